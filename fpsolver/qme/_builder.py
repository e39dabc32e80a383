"""Microscopic (global, secular) Lindblad generator from H_S and a list of baths.

Quantum-thermophoresis Eqs. 4-5, docs/physics/quantum.md. The builder knows only operators:
systems (Lambda, V, chain, dot) assemble H_S and baths and call
:func:`build_master_equation`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from fpsolver._validate import real
from fpsolver.qme._hermitian import is_hermitian
from fpsolver.qme._rates import transition_rates
from fpsolver.qme.baths import Bath


@dataclass(frozen=True, eq=False)
class MasterEquation:
    """A Lindblad generator in the (block) eigenbasis of the dissipation Hamiltonian.

    d rho/dt = -(i/hbar)[H_S, rho] + sum_k sum_w gamma_k(w) [A rho A^† - {A^†A, rho}/2],
    A = A_k(w) (quantum-thermophoresis Eqs. 4-5).

    Everything is stored in the working basis ``basis`` (columns = basis vectors in
    the original basis, ``rho_original = basis @ rho @ basis^†``). Jump operators are
    kept as entries: jump ``m`` has matrix element ``amplitude[m]`` at
    ``(row[m], col[m])`` of the operator A_k(w) numbered ``group[m]``; it takes the
    system from ``col`` to ``row``, releases energy ``hbar * omega[m]`` into bath
    ``bath[m]`` and moves ``particles[m]`` (+1 out, -1 in, 0 bosonic) into it.

    Superoperators use column stacking: ``vec(rho)[i + d*j] = rho[i, j]``, so
    ``vec(A X B) = (B^T kron A) vec(X)``.

    ``energies`` are the eigenvalues of the dissipation Hamiltonian (H_S itself in
    the global approach, where ``secular`` is True and ``hamiltonian``, H_S in the
    working basis, is diagonal); ``rate[m]`` is gamma_k(w) of the jump's operator.
    Build instances with :func:`build_master_equation`.
    """

    hamiltonian: sp.csr_matrix = field(repr=False)
    energies: np.ndarray = field(repr=False)
    basis: sp.csr_matrix = field(repr=False)
    baths: tuple[Bath, ...] = field(repr=False)
    bath: np.ndarray = field(repr=False)
    row: np.ndarray = field(repr=False)
    col: np.ndarray = field(repr=False)
    amplitude: np.ndarray = field(repr=False)
    omega: np.ndarray = field(repr=False)
    particles: np.ndarray = field(repr=False)
    group: np.ndarray = field(repr=False)
    rate: np.ndarray = field(repr=False)
    secular: bool
    hbar: float = 1.0
    k_B: float = 1.0

    @property
    def dimension(self) -> int:
        return self.energies.size

    @cached_property
    def pauli_applicable(self) -> bool:
        """Whether populations decouple exactly from coherences in this basis.

        True when (i) H_S is diagonal in the working basis (global approach) and
        (ii) every jump operator A_k(w) has at most one non-zero entry per row and
        per column. Then A|b><b|A^† is diagonal and sum gamma A^†A is diagonal, so
        the dissipator maps populations to populations and coherences to
        coherences, and the populations obey the Pauli rate equation
        dp_a/dt = sum_b (W_ab p_b - W_ba p_a), W_ab = sum_k gamma_k(w) |<a|S_k|b>|^2.
        For degenerate levels this depends on the basis chosen inside the level;
        the builder uses the eigenvectors of the connected blocks of H (for the
        chain, the site ground states |g_k>, each touched by one bath only).
        """
        if not self.secular:
            return False
        if np.bincount(self.group).max(initial=0) <= 1:
            return True
        d = self.dimension
        return all(np.all(np.diff(np.sort(self.group * d + index)) > 0) for index in (self.row, self.col))

    def rate_matrix(self) -> np.ndarray:
        """Dense W with W[a, b] the rate of b -> a (Pauli shortcut; diagonal is zero)."""
        d = self.dimension
        flux = self.rate * np.abs(self.amplitude) ** 2
        off = self.row != self.col
        return np.bincount(self.row[off] * d + self.col[off], weights=flux[off], minlength=d * d).reshape(d, d)

    def _same_group_pairs(self, mask: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """All ordered pairs (p, q) of jump entries belonging to the same A_k(w)."""
        idx = np.flatnonzero(mask) if mask is not None else np.arange(self.group.size)
        idx = idx[np.argsort(self.group[idx], kind="stable")]
        _, start, counts = np.unique(self.group[idx], return_index=True, return_counts=True)
        per_entry = np.repeat(counts, counts)
        first = np.repeat(start, counts)
        p = np.repeat(np.arange(idx.size), per_entry)
        offset = np.arange(p.size) - np.repeat(np.cumsum(per_entry) - per_entry, per_entry)
        q = np.repeat(first, per_entry) + offset
        return idx[p], idx[q]

    def dissipator(self, mask: np.ndarray | None = None) -> sp.csr_matrix:
        """Sparse superoperator sum_w gamma(w) D[A(w)] of the selected jump entries."""
        d = self.dimension
        p, q = self._same_group_pairs(mask)
        weight = self.rate[p] * self.amplitude[p] * np.conj(self.amplitude[q])
        jump = sp.coo_matrix((weight, (self.row[p] + d * self.row[q], self.col[p] + d * self.col[q])), shape=(d * d, d * d))
        same_row = self.row[p] == self.row[q]
        decay = sp.coo_matrix((np.conj(weight[same_row]), (self.col[p][same_row], self.col[q][same_row])), shape=(d, d)).tocsr()
        eye = sp.identity(d, format="csr")
        return (jump - 0.5 * (sp.kron(eye, decay) + sp.kron(decay.T, eye))).tocsr()

    def bath_dissipators(self) -> list[sp.csr_matrix]:
        """D_k for each bath, in the working basis."""
        return [self.dissipator(self.bath == k) for k in range(len(self.baths))]

    @cached_property
    def liouvillian(self) -> sp.csr_matrix:
        """Sparse Liouvillian in the working basis (column stacking)."""
        d = self.dimension
        eye = sp.identity(d, format="csr")
        coherent = (-1j / self.hbar) * (sp.kron(eye, self.hamiltonian) - sp.kron(self.hamiltonian.T, eye))
        return (coherent + self.dissipator()).tocsr()

    def liouvillian_original_basis(self) -> sp.csr_matrix:
        """The same Liouvillian acting on vec(rho) in the original basis (for comparisons)."""
        u = sp.kron(self.basis.conj(), self.basis, format="csr")
        return (u @ self.liouvillian @ u.conj().T).tocsr()

    def to_original(self, rho: np.ndarray) -> np.ndarray:
        """basis @ rho @ basis^†."""
        return np.asarray(self.basis @ (self.basis @ rho.conj().T).conj().T)

    def to_basis(self, rho: np.ndarray) -> np.ndarray:
        """basis^† @ rho @ basis."""
        vh = self.basis.conj().T
        return np.asarray(vh @ (vh @ rho.conj().T).conj().T)


def _as_sparse(matrix, name: str) -> sp.csr_matrix:
    if matrix is None or isinstance(matrix, (str, bytes)):
        raise TypeError(f"'{name}' must be a square matrix (array or scipy.sparse), got {matrix!r}")
    try:
        out = sp.csr_matrix(matrix, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"'{name}' must be a square matrix (array or scipy.sparse): {exc}") from None
    out.eliminate_zeros()
    if out.ndim != 2 or out.shape[0] != out.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {out.shape}")
    if not np.all(np.isfinite(out.data)):
        raise ValueError(f"{name} has entries that are not finite (NaN or inf): check the parameters it is built from")
    return out


def _check_hermitian(matrix: sp.csr_matrix, name: str) -> None:
    if not is_hermitian(matrix):
        raise ValueError(f"{name} must be Hermitian")


def block_eigenbasis(hamiltonian: sp.csr_matrix) -> tuple[np.ndarray, sp.csr_matrix]:
    """Eigen-decomposition block by block over the connected components of H.

    A degenerate level spread over several blocks keeps the blocks' own vectors
    (for the chain: the site ground states |g_k>), which is what makes the Pauli
    shortcut applicable there; inside one block the basis of a degenerate level is
    whatever ``eigh`` returns. Each basis vector keeps the index of one of its
    block's original states, so ``basis`` is block diagonal up to permutation.
    """
    d = hamiltonian.shape[0]
    n_blocks, labels = connected_components(abs(hamiltonian), directed=False)
    energies = hamiltonian.diagonal().real.copy()
    sizes = np.bincount(labels, minlength=n_blocks)
    single = sizes[labels] == 1
    rows, cols, vals = [np.flatnonzero(single)], [np.flatnonzero(single)], [np.ones(int(single.sum()), complex)]
    for block in np.flatnonzero(sizes > 1):
        idx = np.flatnonzero(labels == block)
        block_matrix = hamiltonian[idx][:, idx].toarray()
        if not np.any(block_matrix.imag):
            block_matrix = block_matrix.real  # real symmetric eigh is several times faster
        e, v = sla.eigh(block_matrix)
        energies[idx] = e
        rows.append(np.repeat(idx, idx.size))
        cols.append(np.tile(idx, idx.size))
        vals.append(v.ravel())
    basis = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(d, d))
    return energies, basis


def _matrix_elements(basis: sp.csr_matrix, operators: Sequence[sp.csr_matrix]):
    """<a|O_k|b> for all k at once, using the sparsity of O_k and of the basis.

    <a|O|b> = sum_ij conj(V_ia) O_ij V_jb: each non-zero O_ij combines row i and
    row j of V (only their non-zeros). Returns (k, a, b, value) with duplicates summed.
    """
    d = basis.shape[0]
    k = np.concatenate([np.full(op.nnz, n) for n, op in enumerate(operators)])
    i = np.concatenate([np.repeat(np.arange(d), np.diff(op.indptr)) for op in operators])
    j = np.concatenate([op.indices for op in operators])
    s = np.concatenate([op.data for op in operators])
    ptr, ind, dat = basis.indptr, basis.indices, basis.data
    ni, nj = ptr[i + 1] - ptr[i], ptr[j + 1] - ptr[j]
    counts = ni * nj
    entry = np.repeat(np.arange(k.size), counts)
    local = np.arange(entry.size) - np.repeat(np.cumsum(counts) - counts, counts)
    pa = ptr[i][entry] + local // nj[entry]
    pb = ptr[j][entry] + local % nj[entry]
    values = s[entry] * np.conj(dat[pa]) * dat[pb]
    summed = sp.coo_matrix((values, (k[entry] * d + ind[pa], ind[pb])), shape=(len(operators) * d, d)).tocsr().tocoo()
    return summed.row // d, summed.row % d, summed.col, summed.data


def _cluster(values: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Group sorted-adjacent values closer than ``tol``; return (label, cluster mean)."""
    order = np.argsort(values, kind="stable")
    jumps = np.concatenate([[0], np.diff(values[order]) > tol]).cumsum()
    labels = np.empty(values.size, dtype=np.int64)
    labels[order] = jumps
    means = np.bincount(labels, weights=values) / np.bincount(labels)
    means[np.abs(means) <= tol] = 0.0
    return labels, means


def build_master_equation(
    hamiltonian,
    baths: Sequence[Bath],
    *,
    dissipation_hamiltonian=None,
    hbar: float = 1.0,
    k_B: float = 1.0,
    degeneracy_tol: float = 1e-9,
) -> MasterEquation:
    """Build the microscopic Lindblad master equation (quantum-thermophoresis Eqs. 4-5).

    Parameters
    ----------
    hamiltonian
        Hermitian H_S (dense array or scipy.sparse), energy units.
    baths
        :class:`Bath` objects; bath k couples through ``baths[k].coupling``.
    dissipation_hamiltonian
        Hamiltonian whose eigenstructure defines the jump operators (default: H_S,
        the microscopic/global approach). Passing the uncoupled part of H_S gives
        the local (phenomenological) master equation; H_S still drives the
        coherent part.
    hbar, k_B
        Units; Bohr frequencies are w = (E_b - E_a) / hbar.
    degeneracy_tol
        Levels and Bohr frequencies closer than ``degeneracy_tol`` times the
        spectral width (max E - min E, or 1 if zero) are treated as equal.

    Notes
    -----
    H is diagonalised per connected block (see :func:`block_eigenbasis`). For each
    bath, the non-zero elements <a|S_k|b> are grouped by Bohr frequency
    w = (E_b - E_a)/hbar into A_k(w) = sum |a><a|S_k|b><b| (fermionic baths: the
    elements of c_k for particles leaving and of c_k^† for particles entering, as
    separate operators). Rates follow :class:`Bath`.

    Raises
    ------
    ValueError
        Non-square or non-Hermitian ``hamiltonian``; a coupling of the wrong size;
        no baths; a flat bosonic bath with a non-zero A_k(0).
    """
    h = _as_sparse(hamiltonian, "hamiltonian")
    _check_hermitian(h, "hamiltonian")
    secular = dissipation_hamiltonian is None
    h_diss = h if secular else _as_sparse(dissipation_hamiltonian, "dissipation_hamiltonian")
    if not secular:
        _check_hermitian(h_diss, "dissipation_hamiltonian")
        if h_diss.shape != h.shape:
            raise ValueError("dissipation_hamiltonian must have the shape of hamiltonian")
    baths = tuple(baths)
    if not baths:
        raise ValueError("baths must contain at least one Bath")
    d = h.shape[0]
    for n, bath in enumerate(baths):
        if bath.coupling.shape != (d, d):
            raise ValueError(f"baths[{n}].coupling has shape {bath.coupling.shape}, expected {(d, d)}")
    real("hbar", hbar, positive=True)
    real("k_B", k_B, positive=True)
    real("degeneracy_tol", degeneracy_tol, positive=True)
    if not all(isinstance(bath, Bath) for bath in baths):
        raise TypeError("'baths' must be a sequence of fpsolver.qme.Bath")

    energies, basis = block_eigenbasis(h_diss)
    width = float(energies.max() - energies.min())
    tol = degeneracy_tol * (width if width > 0 else 1.0)
    # Snap each level to its cluster mean so that degenerate levels are exactly equal.
    level_label, level_energy = _cluster(energies, tol)
    energies = level_energy[level_label]

    k, a, b, value = _matrix_elements(basis, [bath.coupling for bath in baths])
    keep = np.abs(value) > 1e-12 * max(np.abs(value).max(initial=0.0), 1e-300)
    k, a, b, value = k[keep], a[keep], b[keep], value[keep]
    fermionic = np.array([bath.statistics == "fermi" for bath in baths], dtype=bool)[k]
    # Fermionic c_k gives "out" jumps (its elements) and "in" jumps (elements of c_k^†).
    particles = np.concatenate([fermionic.astype(int), -np.ones(int(fermionic.sum()), dtype=int)])
    k = np.concatenate([k, k[fermionic]])
    a, b = np.concatenate([a, b[fermionic]]), np.concatenate([b, a[fermionic]])
    value = np.concatenate([value, np.conj(value[fermionic])])

    freq_label, freq = _cluster((energies[b] - energies[a]) / hbar, tol / hbar)
    omega = freq[freq_label]
    n_freq = freq.size
    group = (k * 3 + (particles + 1)) * n_freq + freq_label
    _, group = np.unique(group, return_inverse=True)
    rate = transition_rates(baths, k, omega, particles, hbar=hbar, k_B=k_B)

    if secular:
        h_basis = sp.diags(energies.astype(complex)).tocsr()
    else:
        h_basis = (basis.conj().T @ h @ basis).tocsr()
    return MasterEquation(
        hamiltonian=h_basis,
        energies=energies,
        basis=basis,
        baths=baths,
        bath=k,
        row=a,
        col=b,
        amplitude=value,
        omega=omega,
        particles=particles,
        group=group,
        rate=rate,
        secular=secular,
        hbar=hbar,
        k_B=k_B,
    )
