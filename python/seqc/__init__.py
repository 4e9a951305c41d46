"""Python side of seqc: tensor-file helpers used by tests and examples."""
