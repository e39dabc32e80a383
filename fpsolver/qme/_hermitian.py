"""Hermiticity test for sparse operators."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def is_hermitian(matrix: sp.csr_matrix, rtol: float = 1e-12) -> bool:
    """Whether a CSR matrix without explicit zeros equals its conjugate transpose.

    Compares the sparsity pattern with its transpose and the values entry by entry
    (cheap for the few-entry couplings of many baths).
    """
    n = matrix.shape[0]
    # int64: row * n + col overflows int32 indices from n ~ 46,000 on
    row = np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr))
    col, data = matrix.indices.astype(np.int64), matrix.data
    order = np.argsort(row * n + col)
    order_t = np.argsort(col * n + row)
    same_pattern = np.array_equal((row * n + col)[order], (col * n + row)[order_t])
    scale = max(np.abs(data).max(initial=0.0), 1.0)
    return same_pattern and np.abs(data[order] - np.conj(data[order_t])).max(initial=0.0) <= rtol * scale
