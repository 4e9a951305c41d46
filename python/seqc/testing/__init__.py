"""The e2e numerics test driver of python/seqc/e2e.py, by purpose:
random_shapes (Config and the random sizes, values and weights every case
draws from), one module of case generators per op family (building_blocks,
attention, recurrences, spiking), cases (the op → generator table and seed
order) and runner (running seqc on a case, checking it against the float64
reference, and the command line)."""
