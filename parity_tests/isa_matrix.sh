#!/usr/bin/env bash
# The parity suite under each of torch's CPU kernel sets (ATEN_CPU_CAPABILITY=default, avx2, avx512;
# torch reads it at start) and with NumPy's AVX-512 dispatch turned off, one setting after another.
# Prints one summary line per setting and exits non-zero if any setting failed. A setting the CPU
# cannot run (torch crashes when told to use kernels the CPU lacks) prints why it was not run.
#
#   parity_tests/isa_matrix.sh                 # the whole suite, four times (minutes each)
#   parity_tests/isa_matrix.sh parity_tests/test_optim.py -k state_dict   # any pytest arguments
#
# PYTHON selects the interpreter (default: python). Full logs go to $ISA_LOG_DIR (default: a temp dir).
set -uo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
LOG_DIR=${ISA_LOG_DIR:-$(mktemp -d)}
FLAGS=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "

missing_flags() {  # the CPU flags among "$@" that /proc/cpuinfo does not list
    local flag missing=""
    for flag in "$@"; do
        [[ "$FLAGS" == *" $flag "* ]] || missing="$missing $flag"
    done
    echo "${missing# }"
}

# NumPy's AVX-512 dispatch targets, by this NumPy's names (1.x: AVX512F AVX512CD AVX512_SKX ...;
# 2.x: X86_V4 AVX512_ICL AVX512_SPR); naming one it does not dispatch only earns a warning.
NPY_AVX512=$("$PYTHON" -c '
try:
    from numpy._core._multiarray_umath import __cpu_dispatch__ as targets
except ImportError:
    from numpy.core._multiarray_umath import __cpu_dispatch__ as targets
print(" ".join(t for t in targets if t.startswith("AVX512") or t == "X86_V4"))')

count() {  # the number before "$1" in pytest's last summary line ($2), or 0
    local n
    n=$(grep -oE "[0-9]+ $1" <<<"$2" | grep -oE '^[0-9]+')
    echo "${n:-0}"
}

status=0
run_setting() {  # label, log name, then env assignments; the pytest arguments come from "${ARGS[@]}"
    local label=$1 log="$LOG_DIR/$2.log" capability summary rc line; shift 2
    capability=$(env "$@" "$PYTHON" -c 'import torch; print(torch.backends.cpu.get_cpu_capability())' 2>&1 | tail -1)
    env "$@" "$PYTHON" -m pytest "${ARGS[@]}" >"$log" 2>&1
    rc=$?
    summary=$(grep -E '[0-9]+ (passed|failed|skipped|errors?)' "$log" | tail -1)
    if [[ -z "$summary" ]]; then
        line="no pytest summary: pytest ended with status $rc (crashed?)"
    else
        line="passed $(count passed "$summary"), skipped $(count skipped "$summary"), failed $(count failed "$summary")"
        line="$line, errors $(count 'errors?' "$summary")"
    fi
    (( rc == 0 )) || status=1
    printf '%-28s torch %-7s %s  (log: %s)\n' "$label:" "$capability" "$line" "$log"
}

ARGS=("$@")
run_setting "ATEN_CPU_CAPABILITY=default" default ATEN_CPU_CAPABILITY=default

lacking=$(missing_flags avx2 fma)
if [[ -n "$lacking" ]]; then
    echo "ATEN_CPU_CAPABILITY=avx2:    not run: this CPU lacks $lacking (torch's AVX2 kernels would crash)"
else
    run_setting "ATEN_CPU_CAPABILITY=avx2" avx2 ATEN_CPU_CAPABILITY=avx2
fi

# torch's AVX512 kernel set needs avx512f, -bw, -vl and -dq (and fma)
lacking=$(missing_flags avx512f avx512bw avx512vl avx512dq fma)
if [[ -n "$lacking" ]]; then
    echo "ATEN_CPU_CAPABILITY=avx512: not run: this CPU lacks $lacking (torch's AVX-512 kernels would crash)"
else
    run_setting "ATEN_CPU_CAPABILITY=avx512" avx512 ATEN_CPU_CAPABILITY=avx512
fi

if [[ -z "$NPY_AVX512" ]]; then
    echo "NumPy AVX-512 off:           not run: this NumPy build dispatches to no AVX-512 target"
else
    run_setting "NumPy AVX-512 off ($NPY_AVX512)" numpy-no-avx512 "NPY_DISABLE_CPU_FEATURES=$NPY_AVX512"
fi
exit $status
