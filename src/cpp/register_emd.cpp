#include <nanobind/nanobind.h>

void register_emd(nanobind::module_&) {}
