"""Weak-order study of the stationary bias: walls far away, then walls active.

1. Confined: gCLm-I with T = exp(-x/3), harmonic trap (stiffness 1), kappa = 1,
   alpha_tilde = 0.8 on [-6, 6] (P at the walls < 1e-7): bias of <x> and <x^2>
   against quadrature of the exact steady state, for dt = 0.4 ... 0.1.
2. Walls active: Ito model, T = exp(-x/0.8) on [-1, 1], no potential (P at the
   walls O(1)): bias of <x> and <x^2> for dt = 0.02 ... 0.0025.
Prints a table with fitted log-log slopes and writes
validation/figures/ensemble_weak_order.png.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "ensembles"))
from _cases import exact_moments, weak_order_model  # noqa: E402

import fpsolver  # noqa: E402
from fpsolver import meshes, profiles  # noqa: E402
from fpsolver.ensembles import run_ensemble  # noqa: E402


def study(title, model, domain, steps, t_end, burn_in, n_particles, x0, axes):
    m1, m2 = exact_moments(model, domain)
    print(f"\n{title}\nexact <x> = {m1:.6f}, <x^2> = {m2:.6f}")
    print(f"{'scheme':7s} {'dt':>8s} {'bias <x>':>12s} {'+-':>9s} {'bias <x^2>':>12s} {'+-':>9s}")
    for scheme, marker in (("euler", "o"), ("weak2", "s")):
        b1, b2, e1, e2 = [], [], [], []
        for dt in steps:
            r = run_ensemble(model, meshes.uniform(*domain, 12), n_particles, dt, t_end, scheme=scheme, burn_in=burn_in, seed=21, x0=x0)
            b1.append(r.steady_mean - m1), b2.append(r.steady_second_moment - m2)
            e1.append(r.steady_mean_error), e2.append(r.steady_second_moment_error)
            print(f"{scheme:7s} {dt:8.4f} {b1[-1]:12.3e} {e1[-1]:9.1e} {b2[-1]:12.3e} {e2[-1]:9.1e}")
        for k, (b, e, name) in enumerate(((b1, e1, "<x>"), (b2, e2, "<x^2>"))):
            b, e = np.abs(b), np.array(e)
            resolved = b > 3 * e
            slope = np.polyfit(np.log(np.asarray(steps)[resolved]), np.log(b[resolved]), 1)[0] if resolved.sum() >= 2 else float("nan")
            print(f"{scheme:7s} slope of |bias {name}| over {resolved.sum()} resolved points (|bias| > 3 se): {slope:.2f}")
            axes[k].errorbar(steps, b, yerr=e, marker=marker, label=f"{scheme} (slope {slope:.2f})")
    for k, name in enumerate(("<x>", "<x^2>")):
        axes[k].set(xscale="log", yscale="log", xlabel="dt", ylabel=f"|bias {name}|", title=title.split(":")[0])
        axes[k].legend(fontsize=7)


def main():
    fig, axes = plt.subplots(2, 2, figsize=(9, 7))
    model, domain = weak_order_model()
    study("Confined: harmonic trap in a gradient, walls far", model, domain, (0.4, 0.28, 0.2, 0.14, 0.1), 200.0, 8.0, 200_000, 0.0, axes[0])
    walls = fpsolver.Ito(profiles.exponential(T0=1.0, length=0.8))
    study("Walls active: Ito, T = exp(-x/0.8) on [-1, 1]", walls, (-1.0, 1.0), (0.02, 0.01, 0.005, 0.0025), 30.0, 6.0, 100_000, "uniform", axes[1])
    fig.tight_layout()
    out = Path(__file__).resolve().parent / "figures" / "ensemble_weak_order.png"
    fig.savefig(out, dpi=80)
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
