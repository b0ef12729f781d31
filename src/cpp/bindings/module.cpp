// pydiv._core: the private compiled module.  Each area registers its own
// bindings; the public API lives in the Python package.
#include <nanobind/nanobind.h>

namespace nb = nanobind;

void register_info(nb::module_& m);
void register_wasserstein(nb::module_& m);
void register_emd(nb::module_& m);
void register_emd_batch(nb::module_& m);
void register_config(nb::module_& m);
void register_pairwise(nb::module_& m);
void register_sliced(nb::module_& m);
void register_grid(nb::module_& m);
void register_sparse(nb::module_& m);
void register_binning(nb::module_& m);

NB_MODULE(_core, m) {
    register_config(m);
    register_info(m);
    register_wasserstein(m);
    register_emd(m);
    register_emd_batch(m);
    register_pairwise(m);
    register_sliced(m);
    register_grid(m);
    register_sparse(m);
    register_binning(m);
}
