# The device check's cases (scripts/device-check.sh): the end-to-end
# scripts of test/e2e, fewer cases each, with $SEQC (python/seqc/testing/
# device_seqc.py) for seqc and $WORK for their files. Sourced from the
# repository root, in both stages. A script that stops early (not a
# verdict of its own) is one FAIL line.
check() {
  local log="$WORK.case" rc=0
  mkdir -p "$WORK"
  "$@" > "$log" 2>&1 || rc=$?
  cat "$log"
  if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$log"; then
    echo "FAIL (exit $rc): ${*:2:2}"
  fi
  rm -f "$log"
}
for op in act add causal_conv1d cuba_lif embedding gla gla_core \
          glu_mlp if_neuron layer_norm lif linear linear_into_neuron \
          linear_recurrence mul plif rms_norm spike_linear spiking_rwkv wkv; do
  check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op "$op" --cases 3 \
    --work-dir "$WORK/$op"
done
# The flash kernel's shapes: head dims 2 to 136 and 264 (the common body).
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op gated_attention --cases 16 \
  --work-dir "$WORK/gated_attention"
# gla_core's kernels: chunkwise (chunks of 16 and 8), decode steps, the
# common body past the workgroup memory; the step kernel for the
# recurrent form.
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op gla_core --cases 12 --seed 3 \
  --work-dir "$WORK/gla-kernels"
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op gla_core --cases 6 --seed 4 \
  --work-dir "$WORK/gla-steps" '--compile-flag=--pass-options=seq-chunk-gla{form=recurrent}'
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op gla --cases 3 \
  --work-dir "$WORK/gla-chunked" \
  '--compile-flag=--pass-options=seq-chunk-gla{form=chunked chunk=16 subchunk=4}'
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op linear_recurrence --cases 3 \
  --work-dir "$WORK/scan-chunked" \
  '--compile-flag=--pass-options=seq-select-scan{scan=chunked chunk=5}'
# The projections by the modules' own tiles too: with cuBLASLt declined
# (where the GPU machine has it, the cases above use it).
SEQC_CUBLASLT=none check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op glu_mlp \
  --cases 3 --work-dir "$WORK/glu_mlp-tiles"
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op linear_recurrence --cases 3 \
  --work-dir "$WORK/scan-sequential" \
  '--compile-flag=--pass-options=seq-select-scan{scan=sequential}'
# --precision=bf16: cuBLASLt's bf16 tensor cores (CUBLAS_COMPUTE_32F_FAST_16BF)
# and the tiles' rounded operands, within SPEC §5's bf16 bound.
for op in linear glu_mlp linear_into_neuron; do
  check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op "$op" --cases 3 \
    --precision bf16 --work-dir "$WORK/$op-bf16"
done
# Linear layers, MLPs and GLA layers (K = 16 to 128: the chunk kernel's
# mma.sync tiles) at the bf16 bound.
check "$PYTHON" test/e2e/Inputs/bf16_shapes.py "$SEQC" "$WORK/bf16-shapes" --cases 16
# gla_core's mma.sync tiles (K = 16, 64; V = 16, 21, 70).
for seed in 86 238; do
  check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op gla_core --cases 8 \
    --seed "$seed" --precision bf16 --work-dir "$WORK/gla_core-bf16-$seed"
done
# Gated attention's mma.sync tiles (head dims 32, 64, 96, 128).
check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op gated_attention --cases 8 \
  --precision bf16 --work-dir "$WORK/gated_attention-bf16"
SEQC_CUBLASLT=none check "$PYTHON" python/seqc/e2e.py --seqc "$SEQC" --op glu_mlp \
  --cases 3 --precision bf16 --work-dir "$WORK/glu_mlp-bf16-tiles"
check "$PYTHON" test/e2e/Inputs/rnn.py "$SEQC" "$WORK/rnn" --cases 6
check "$PYTHON" test/e2e/Inputs/para_rnn.py "$SEQC" "$WORK/para-rnn" --cases 6
check "$PYTHON" test/e2e/Inputs/para_rnn.py "$SEQC" "$WORK/para-newton" --cases 4 \
  --solver newton
# ParaRNN's Newton launch over 1000 to 4500 steps, its error at the cap
# and its sequential finish.
check "$PYTHON" test/e2e/Inputs/para_rnn.py "$SEQC" "$WORK/para-newton-long" --cases 2 \
  --long --solver newton
check "$PYTHON" test/e2e/Inputs/para_rnn.py "$SEQC" "$WORK/para-newton-cap" --cases 2 \
  --long --solver newton --expect-error "did not converge in 1 iterations" \
  '--flag=--pass-options=seq-select-scan{newton-max-iterations=1}'
check "$PYTHON" test/e2e/Inputs/para_rnn.py "$SEQC" "$WORK/para-newton-fallback" --cases 2 \
  --long --solver auto \
  '--flag=--pass-options=seq-select-scan{auto-solver=newton newton-max-iterations=1}'
check "$PYTHON" test/e2e/Inputs/pgn_gam.py "$SEQC" "$WORK/pgn-gam" --cases 6
check "$PYTHON" test/e2e/Inputs/rgnn.py "$SEQC" "$WORK/rgnn" --cases 9
check "$PYTHON" test/e2e/Inputs/rgnn.py "$SEQC" "$WORK/rgnn-bf16" --cases 3 \
  --flag=--precision=bf16
check "$PYTHON" test/e2e/Inputs/streaming.py "$SEQC" "$WORK/streaming"
# The example language model (compiled only: it has no reference).
check "$PYTHON" examples/gla-lm/make_weights.py "$WORK/gla-lm.safetensors" > /dev/null
"$SEQC" compile examples/gla-lm/gla-lm.json --weights "$WORK/gla-lm.safetensors" \
  -o "$WORK/gla-lm.so" && echo "compiled examples/gla-lm"
