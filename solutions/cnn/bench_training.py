"""Time Part 5's ``train`` on the digits, and the same network in PyTorch if it is installed.

Usage (from the repository root)::

    python solutions/cnn/bench_training.py [MODULE.py] [--data digits.npz] [--epochs E] [--lr LR]
                                          [--batch-size B] [--seed S] [--torch-threads T] [--repeats R]

MODULE.py is any file implementing the Part 5 API (default: solutions/cnn/cnn.py; a
student's cnn.py works too). Hyper-parameters default to the defaults of the module's ``train``.
Prints wall seconds, CPU seconds (all threads), CPU seconds per epoch and test accuracy, of the run
that used the least CPU time of R (default 3): on a shared machine, the one least disturbed by others
(wall seconds there also count the time spent waiting for a core).

If ``import torch`` works, the same network (conv 3x3, 8 filters, padding 1 -> ReLU -> 2x2 max
pool -> linear to 10 classes) is trained in PyTorch on the CPU in float64, starting from the
module's ``init_params(seed)``, visiting mini-batches in the same order (numpy
``default_rng(seed).permutation`` each epoch) with plain SGD and the same hyper-parameters; its
figures are printed beside the numpy ones, the runs alternating (numpy, torch, numpy, ...) so that
both meet the same machine, then the ratio of their CPU seconds. The two do the same arithmetic in
a different order, so their accuracies agree closely but not necessarily exactly. PyTorch runs on one
thread by default (``--torch-threads``): on tensors this small, extra threads only add
synchronisation (and on a busy machine they can make it many times slower), and the numpy
reference is single-threaded too. Without torch the script prints "torch not installed: skipped".
"""

import argparse
import importlib.util
import inspect
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODULE = ROOT / "solutions" / "cnn" / "cnn.py"
DEFAULT_DATA = ROOT / "assignments" / "cnn" / "digits.npz"


def load_module(path):
    spec = importlib.util.spec_from_file_location("part5_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def train_defaults(module):
    parameters = inspect.signature(module.train).parameters
    return {name: parameters[name].default for name in ("epochs", "lr", "batch_size", "seed")
            if name in parameters and parameters[name].default is not inspect.Parameter.empty}


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench_numpy(module, data, epochs, lr, batch_size, seed):
    (params, _), wall, cpu = timed(lambda: module.train(
        data["x_train"], data["y_train"], epochs=epochs, lr=lr, batch_size=batch_size, seed=seed))
    accuracy = np.mean(module.predict(params, data["x_test"]) == data["y_test"])
    return wall, cpu, accuracy


def bench_torch(torch, module, data, epochs, lr, batch_size, seed):
    nn = torch.nn
    init = module.init_params(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(8 * 4 * 4, 10),
    ).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(init["conv_w"]))
        model[0].bias.copy_(torch.from_numpy(init["conv_b"]))
        model[4].weight.copy_(torch.from_numpy(init["fc_w"].T.copy()))  # torch stores (out, in)
        model[4].bias.copy_(torch.from_numpy(init["fc_b"]))
    x_train, y_train = torch.from_numpy(data["x_train"]), torch.from_numpy(data["y_train"])
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def train():
        rng = np.random.default_rng(seed)
        n = len(x_train)
        for _ in range(epochs):
            order = torch.from_numpy(rng.permutation(n))
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                loss = nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()

    _, wall, cpu = timed(train)
    with torch.no_grad():
        predicted = model(torch.from_numpy(data["x_test"])).argmax(dim=1).numpy()
    return wall, cpu, np.mean(predicted == data["y_test"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("module", nargs="?", type=Path, default=DEFAULT_MODULE)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--torch-threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    module = load_module(args.module)
    hyper = train_defaults(module)
    for name in ("epochs", "lr", "batch_size", "seed"):
        if getattr(args, name) is not None:
            hyper[name] = getattr(args, name)
    hyper.setdefault("seed", 0)
    missing = [name for name in ("epochs", "lr", "batch_size") if name not in hyper]
    if missing:
        parser.error(f"{args.module} has no default for {', '.join(missing)}: pass them as options")
    data = dict(np.load(args.data))

    print(f"module: {args.module}")
    print(f"data: {len(data['x_train'])} train / {len(data['x_test'])} test images; "
          + " ".join(f"{k}={v}" for k, v in hyper.items()))
    header = f"{'':<22}{'wall s':>8}{'CPU s':>8}{'CPU s/epoch':>13}{'test acc':>10}"
    print(header)

    def row(name, wall, cpu, accuracy):
        print(f"{name:<22}{wall:>8.2f}{cpu:>8.2f}{cpu / hyper['epochs']:>13.4f}{accuracy:>10.2%}")

    try:
        import torch
    except ImportError:
        torch = None
    runs = {"numpy": []} | ({"torch": []} if torch else {})
    if torch:
        torch.set_num_threads(args.torch_threads)
    for _ in range(args.repeats):  # alternating, so that both meet the same machine
        runs["numpy"].append(bench_numpy(module, data, **hyper))
        if torch:
            runs["torch"].append(bench_torch(torch, module, data, **hyper))
    best = {name: min(results, key=lambda result: result[1]) for name, results in runs.items()}  # least CPU
    row(f"numpy {np.__version__}", *best["numpy"])
    if not torch:
        print("torch not installed: skipped")
        return
    row(f"torch {torch.__version__}", *best["torch"])
    print(f"(best of {args.repeats} alternating runs each; torch on the CPU, float64, "
          f"{torch.get_num_threads()} thread(s))")
    print(f"numpy / torch CPU time: {best['numpy'][1] / best['torch'][1]:.2f}")


if __name__ == "__main__":
    main()
