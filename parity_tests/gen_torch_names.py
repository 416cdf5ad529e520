"""Writes ``minigrad/_torch_names.json``: torch's public names per namespace, for ``python -m minigrad.coverage``.

    python parity_tests/gen_torch_names.py      # with torch 2.13 installed; test_coverage.py checks the file

minigrad never imports torch, so the coverage report reads these lists from the data file. A name is
*public* when it does not start with ``_``; per namespace the candidates are:

  torch          callables in ``dir(torch)`` that are neither classes nor modules (``torch.*`` functions)
  Tensor         every attribute in ``dir(torch.Tensor)``: methods and properties (``x.T``, ``x.shape``)
  nn             classes in ``dir(torch.nn)``: the modules, ``Parameter``, ``Buffer``
  nn.functional  callables in ``dir(torch.nn.functional)`` that are neither classes nor modules
  optim          the optimizer classes in ``torch.optim.__all__``
  lr_scheduler   ``torch.optim.lr_scheduler.__all__``
  linalg         callables in ``dir(torch.linalg)``

Whole families are *excepted* from the count (kept in the file with the reason, so the report can
name them): the issue's 3-D variants, sparse, quantized and distributed, and the families below
that are not part of a dense CPU tensor library's API. Everything else counts, deprecated names too.
"""
import inspect
import json
import pathlib
import re
import types

import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / "minigrad" / "_torch_names.json"

# (family, reason, {namespace: regex of excepted names}); the first family that matches a name takes it.
EXCEPTED = [
    ("3-D variants", "volumetric layers and ops (Conv3d, max_pool3d, ...); their 1-D and 2-D forms are counted",
     {"*": r"(?!atleast_3d$).*3d(_with_indices)?"}),
    ("sparse", "sparse layouts (COO, CSR, BSR, ...): minigrad tensors are dense NumPy arrays",
     {"*": r".*sparse.*|.*spmm|hspmm|[ds]?smm|saddmm|s?spaddmm|(c?col|c?row|crow)_indices(_copy)?|indices(_copy)?"
           r"|values(_copy)?|coalesce|is_coalesced|dense_dim|to_dense|sparse_.*|SparseAdam"}),
    ("quantized", "quantized dtypes, observers and fake quantization: minigrad has no quantized dtypes",
     {"*": r".*quantiz.*|q_.*|qscheme|int_repr|choose_qparams.*|fused_moving_avg_obs_fake_quant"}),
    ("distributed", "multi-process and multi-device training (SyncBatchNorm's statistics kernels, DataParallel)",
     {"*": r"batch_norm_(backward_elemt|backward_reduce|elemt|gather_stats.*|stats|update_stats)|is_distributed"
           r"|DataParallel|SyncBatchNorm"}),
    ("complex", "complex dtypes and lazy conjugate/negative views: minigrad has no complex dtypes",
     {"*": r".*complex.*|polar|view_as_real(_copy)?|conj_physical_?|is_conj|resolve_conj|is_neg|resolve_neg|imag"
           r"|H|mH|cfloat|cdouble|chalf|eig|eigvals"}),
    ("one backend's kernels", "entry points of one kernel library or accelerator (cuDNN, MIOpen, oneDNN, FBGEMM, "
     "IPU, MPS, XLA, ...), not portable API", {
         "*": r"(cudnn|miopen|mkldnn|fbgemm|native)_.*|to_mkldnn|is_(ipu|maia|meta|mkldnn|mps|mtia|vulkan|xla|xpu)"
              r"|ipu|mtia|xpu|is_vulkan_available|record_stream|scaled_(grouped_)?mm|grouped_mm|conv_tbc"}),
    ("functionalization copies", "X_copy: the non-aliasing twin of view op X that torch.compile emits; the view "
     "X is counted (index_copy is an op of its own and counts)", {"torch": r"(?!index_copy$).*_copy",
                                                                  "Tensor": r"narrow_copy"}),
    ("in-place torch.x_", "the undocumented in-place function forms (torch.relu_, torch.abs_); the in-place "
     "Tensor methods (x.relu_()) are counted in the Tensor row", {"torch": r"IN_PLACE"}),
    ("removed", "removed in torch 1.9/2.x: calling it raises an error that names the replacement",
     {"torch": r"lstsq|matrix_rank|solve|symeig", "Tensor": r"lstsq|solve|symeig|reinforce|volatile"}),
    ("nested tensors", "ragged (nested) tensors", {"Tensor": r"is_nested|to_padded_tensor"}),
    ("autocast", "automatic mixed precision: lower-precision kernels on an accelerator",
     {"torch": r".*autocast.*"}),
    ("compiler and runtime internals", "TorchScript, torch.compile, symbolic shapes, storage objects and build "
     "plumbing that torch exports for its own use", {
         "torch": r"compile|cond|vmap|while_loop|fork|wait|sym_.*|import_ir_module.*|parse_(ir|schema|type_comment)"
                  r"|merge_type_from_type_comment|unify_type_list|classproperty|get_file_path|compiled_with_cxx11_abi"
                  r"|prepare_multiprocessing_environment|profiler_allow_.*|thread_safe_generator|init_num_threads"
                  r"|get_device_module|is_storage|from_file|segment_reduce|nonzero_static|slice_inverse|hash_tensor",
         "Tensor": r"storage|storage_type|untyped_storage|const_data_ptr|set_|is_set_to|module_load|output_nr"
                   r"|nonzero_static|slice_inverse|hash_tensor|grad_dtype|dim_order",
         "nn.functional": r"Optional|assert_int_or_pair|boolean_dispatch|handle_torch_function|has_torch_function.*"}),
]

NAMESPACES = ("torch", "Tensor", "nn", "nn.functional", "optim", "lr_scheduler", "linalg")


def _is_function(obj):
    return callable(obj) and not inspect.isclass(obj) and not isinstance(obj, types.ModuleType)


def candidates():
    """Every public name of each namespace, before the exceptions."""
    def public(obj, keep):
        return sorted(n for n in dir(obj) if not n.startswith("_") and keep(getattr(obj, n)))
    return {
        "torch": public(torch, _is_function),
        "Tensor": public(torch.Tensor, lambda a: True),
        "nn": public(torch.nn, inspect.isclass),
        "nn.functional": public(torch.nn.functional, _is_function),
        "optim": sorted(n for n in torch.optim.__all__ if inspect.isclass(getattr(torch.optim, n))),
        "lr_scheduler": sorted(torch.optim.lr_scheduler.__all__),
        "linalg": public(torch.linalg, _is_function),
    }


def family_of(namespace, name, names):
    for family, _, patterns in EXCEPTED:
        pattern = patterns.get(namespace, patterns.get("*"))
        if pattern == "IN_PLACE":
            if name.endswith("_") and name[:-1] in names:
                return family
        elif pattern and re.fullmatch(pattern, name):
            return family
    return None


def generate():
    """The data file's content: per namespace the counted names and the excepted ones by family."""
    namespaces = {}
    for namespace, names in candidates().items():
        counted, excepted = [], {}
        for name in names:
            family = family_of(namespace, name, set(names))
            if family is None:
                counted.append(name)
            else:
                excepted.setdefault(family, []).append(name)
        namespaces[namespace] = {"names": counted, "excepted": excepted}
    return {"torch_version": torch.__version__.split("+")[0],
            "generator": "parity_tests/gen_torch_names.py",
            "families": {family: reason for family, reason, _ in EXCEPTED},
            "namespaces": namespaces}


def main():
    OUT.write_text(json.dumps(generate(), indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
