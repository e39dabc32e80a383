"""Global (microscopic) vs local master equation for the N-site chain (quantum-thermophoresis Fig. 2).

Run: python validation/qme_chain_global_vs_local.py
Writes validation/figures/qme_chain_global_vs_local.png and prints the site
populations of both approaches for the paper's panels (d) and (e) and a weak
coupling case. The local approach has a closed form, p_k proportional to
1 + exp(h / k_B T_k) for every g (equal excited populations commute with the
hopping), so its profile never changes with g: the delocalisation, the peak at
site 3 of panel (d) and the centred peak of panel (e) exist only in the global one.
Each local site is then in equilibrium with its own bath, so the local heat currents
and entropy production vanish (to round-off) despite the temperature gradient.
"""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # FiPy imports numpy.core
    from fpsolver import qme  # noqa: E402

N, H = 10, 1.0
PANELS = {"(d) k_B T_L = 0.8h, k_B T_R = 0.4h": (0.8, 0.4), "(e) k_B T_L = 0.3h, k_B T_R = 0.1h": (0.3, 0.1)}
COUPLINGS = (0.1, 0.5, 0.9, 1.3)
FIGURE = Path(__file__).parent / "figures" / "qme_chain_global_vs_local.png"


def main():
    sites = np.arange(1, N + 1)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, (title, (T_left, T_right)) in zip(axes, PANELS.items()):
        colors = plt.cm.viridis(np.linspace(0, 0.9, len(COUPLINGS)))
        for g, color in zip(COUPLINGS, colors):
            global_ = qme.chain_site_populations(N, H, g * H, T_left, T_right)
            local = qme.chain_site_populations(N, H, g * H, T_left, T_right, approach="local")
            ax.plot(sites, global_, "o-", color=color, label=f"global, g = {g}h")
            ax.plot(sites, local, "x--", color=color, alpha=0.6, label=f"local, g = {g}h")
        ax.set_title(title)
        ax.set_xlabel("site")
        ax.set_xticks(sites)
    axes[0].set_ylabel("site population")
    axes[0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    FIGURE.parent.mkdir(exist_ok=True)
    fig.savefig(FIGURE, dpi=110)
    print(f"wrote {FIGURE}")

    cases = [("g = 0.1h, T = 0.8h/0.4h", 0.1, 0.8, 0.4)] + [(f"panel {name[:3]} g = 1.3h", 1.3, T_left, T_right) for name, (T_left, T_right) in PANELS.items()]
    for label, g, T_left, T_right in cases:
        global_ = qme.chain(N, H, g * H, T_left, T_right)
        local = qme.chain(N, H, g * H, T_left, T_right, approach="local")
        print(
            f"\n{label}: argmax global = site {np.argmax(global_.site_populations) + 1}, "
            f"local = site {np.argmax(local.site_populations) + 1}; "
            f"entropy production global = {global_.entropy_production:.3e}, local = {local.entropy_production:.3e}"
        )
        print(f"{'site':>4} {'k_B T/h':>8} {'global':>9} {'local':>9} {'local-global':>13}")
        for k in range(N):
            p_g, p_l = global_.site_populations[k], local.site_populations[k]
            print(f"{k + 1:>4} {global_.site_temperatures[k]:>8.3f} {p_g:>9.5f} {p_l:>9.5f} {p_l - p_g:>13.2e}")
    print("\nmax |local - global| over sites, k_B T = 0.8h/0.4h:")
    for g in (0.01, 0.1, 0.5, 1.3):
        diff = np.abs(qme.chain_site_populations(N, H, g, 0.8, 0.4) - qme.chain_site_populations(N, H, g, 0.8, 0.4, approach="local")).max()
        print(f"  g = {g:<5} {diff:.3e}")


if __name__ == "__main__":
    main()
