"""Figures of Part 5 for the handout: learned filters, feature maps, training loss.

Usage (from the repository root; needs matplotlib)::

    python solutions/cnn/plot_training.py [MODULE.py] [--out FOLDER] [--data digits.npz]
                                         [--params PARAMS.npz] [--index I]

MODULE.py is any file implementing the Part 5 API (default: solutions/cnn/cnn.py). The
script trains the network with the module's default hyper-parameters, or, with ``--params``,
loads parameters saved by an earlier run (the file is written after training when it does not
exist yet; the loss curve needs a training run). It writes into FOLDER (default
assignments/cnn/figures/):

* ``conv_filters.png``: the 8 learned 3x3 filters (red positive, blue negative);
* ``feature_maps.png``: test digit number I (default 3, a "2"), its 8 feature maps after conv + ReLU
  (8x8) and after 2x2 max pooling (4x4);
* ``loss_curve.png``: the mean training loss of each epoch.
"""

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODULE = ROOT / "solutions" / "cnn" / "cnn.py"
DEFAULT_DATA = ROOT / "assignments" / "cnn" / "digits.npz"
DEFAULT_OUT = ROOT / "assignments" / "cnn" / "figures"
DPI = 100


def load_module(path):
    spec = importlib.util.spec_from_file_location("part5_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def plot_filters(plt, params, path):
    w = params["conv_w"][:, 0]  # (8, 3, 3)
    limit = np.abs(w).max()
    fig, axes = plt.subplots(1, len(w), figsize=(1.0 * len(w), 1.35))
    for k, ax in enumerate(axes):
        ax.imshow(w[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {k}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("Learned 3x3 convolution filters", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def plot_feature_maps(plt, module, params, image, label, path):
    x = image[None]  # (1, 1, 8, 8)
    relu = module.relu_forward(module.conv_forward(x, params["conv_w"], params["conv_b"], padding=1))
    pooled = module.max_pool_forward(relu, 2)
    predicted = int(module.predict(params, x)[0])
    K = relu.shape[1]

    fig = plt.figure(figsize=(1.0 * (K + 2), 2.6))
    grid = fig.add_gridspec(2, K + 2, width_ratios=[2, 0.15] + [1] * K)
    ax = fig.add_subplot(grid[:, 0])
    ax.imshow(image[0], cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"input: {label}\npredicted: {predicted}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
    for row, (maps, name) in enumerate([(relu[0], "conv+ReLU 8x8"), (pooled[0], "max pool 4x4")]):
        limit = max(relu.max(), 1e-12)  # one scale for all maps, as pooling keeps the values
        for k in range(K):
            ax = fig.add_subplot(grid[row, k + 2])
            ax.imshow(maps[k], cmap="viridis", vmin=0, vmax=limit)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                ax.set_title(f"filter {k}", fontsize=8)
            if k == 0:
                ax.set_ylabel(name, fontsize=8)
    fig.suptitle("Feature maps of one test digit", fontsize=9)
    fig.subplots_adjust(left=0.02, right=0.99, bottom=0.03, top=0.8, wspace=0.12, hspace=0.12)
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def plot_loss(plt, history, path):
    fig, ax = plt.subplots(figsize=(4.5, 2.8))
    ax.plot(np.arange(1, len(history) + 1), history, marker=".", markersize=3)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean training loss (log scale)")
    ax.set_title("Training loss", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module", nargs="?", type=Path, default=DEFAULT_MODULE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--params", type=Path,
                        help="load parameters from this .npz (saved there after training)")
    parser.add_argument("--index", type=int, default=3, help="which test digit to show (3: a 2)")
    args = parser.parse_args(argv)

    try:
        import matplotlib
    except ImportError:
        print("plot_training.py needs matplotlib: pip install matplotlib", file=sys.stderr)
        sys.exit(1)
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    module = load_module(args.module)
    data = np.load(args.data)
    history = None
    if args.params is not None and args.params.exists():
        params = dict(np.load(args.params))
        print(f"loaded parameters from {args.params}")
    else:
        params, history = module.train(data["x_train"], data["y_train"])
        if args.params is not None:
            np.savez(args.params, **params)
            print(f"saved parameters to {args.params}")
    accuracy = np.mean(module.predict(params, data["x_test"]) == data["y_test"])
    print(f"test accuracy: {accuracy:.2%}")

    args.out.mkdir(parents=True, exist_ok=True)
    written = [args.out / "conv_filters.png", args.out / "feature_maps.png"]
    plot_filters(plt, params, written[0])
    plot_feature_maps(plt, module, params, data["x_test"][args.index], int(data["y_test"][args.index]),
                      written[1])
    if history is not None:
        written.append(args.out / "loss_curve.png")
        plot_loss(plt, history, written[2])
    for path in written:
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
