// Fork detection for threads.hpp: a pthread_atfork child handler marks a
// forked child, whose kernels then run on one thread (GNU OpenMP's pool
// does not survive fork).
#include "core/threads.hpp"

#include <atomic>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

namespace pydiv {
namespace {

std::atomic<bool> forked_child{false};

#if defined(__unix__) || defined(__APPLE__)
void mark_child() { forked_child.store(true); }

// Registered when the library is loaded; in_forked_child() references this
// object file, so a static link keeps it.
const int registered = pthread_atfork(nullptr, nullptr, mark_child);
#endif

}  // namespace

bool in_forked_child() { return forked_child.load(std::memory_order_relaxed); }

}  // namespace pydiv
