// The portable kernels: plain C++ that any target compiles (x86-64 without
// AVX2, aarch64, ...).
#include "info/info_scalar.hpp"

namespace pydiv {

InfoKernelTable info_kernels_baseline() {
    return {scalar::entropy,          scalar::cross_entropy, scalar::kl,    scalar::js,
            scalar::js_accurate,      scalar::kl_accurate,   scalar::entropy_accurate,
            scalar::sums,             scalar::sums_compensated,
            scalar::xlogx,            scalar::js_pair,       scalar::l1_rows};
}

}  // namespace pydiv
