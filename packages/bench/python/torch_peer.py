"""PyTorch peer of the Liouville benchmarks: a long-lived process serving timing requests.

Started by packages/bench/src/peers/pytorch.ts as `/usr/bin/python3 torch_peer.py [threads]`
(threads: 1 unless given; its BLAS gets the same count through the environment). It reads one
JSON request per line on stdin and writes one JSON answer per line on stdout, until stdin closes.

  {"op": "hello"}                                  -> versions and thread count
  {"op": "setup", "task": ..., ...}                -> {"id": n}: build a task (inputs sent by Node)
  {"op": "run", "id": n, "iters": k}               -> {"ms": t}: k calls, timed here (perf_counter)
  {"op": "check", "id": n}                         -> the task's numbers, for the correctness tests

Each "run" is timed inside this process, so a sample measures the calls themselves, not the
pipe between the processes. Arrays arrive as base64 of little-endian float64 values.
"""

import base64
import json
import sys
import time

try:
    import torch
except Exception as error:  # reported to Node as the reason the PyTorch rows are empty
    sys.stdout.write(json.dumps({"error": f"cannot import torch: {error}"}) + "\n")
    sys.stdout.flush()
    sys.exit(0)

try:
    import functorch
except Exception:
    functorch = None

# One thread, as the Liouville cases use, unless a count is given (the 2-thread rows); one interop
# thread (set before any parallel work).
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def loaded_blas():
    """The BLAS library this process mapped after a product (Debian's torch uses the system's libblas.so.3)."""
    torch.mm(torch.ones(64, 64, dtype=torch.float64), torch.ones(64, 64, dtype=torch.float64))
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    except OSError:
        return "unknown"
    return ", ".join(sorted(paths)) or "built in"


def array(spec, dtype):
    """A tensor from {"b64": ..., "shape": [...]} (float64 bytes), converted to dtype."""
    raw = base64.b64decode(spec["b64"])
    values = torch.frombuffer(bytearray(raw), dtype=torch.float64).reshape(spec["shape"])
    return values.to(DTYPES[dtype]).contiguous()


def hnn_task(req):
    """One HNN training step as the reference code writes it: autograd.grad with create_graph, then Adam."""
    dtype = req["dtype"]
    p = {k: array(v, dtype) for k, v in req["params"].items()}
    x = array(req["x"], dtype).requires_grad_(True)
    y = array(req["y"], dtype)
    # Liouville's layout is x @ W (W: [in, out]); torch.nn.Linear stores W transposed.
    l0 = torch.nn.Linear(2, p["W0"].shape[1], dtype=DTYPES[dtype])
    l1 = torch.nn.Linear(p["W1"].shape[0], p["W1"].shape[1], dtype=DTYPES[dtype])
    l2 = torch.nn.Linear(p["W2"].shape[0], 2, bias=False, dtype=DTYPES[dtype])
    with torch.no_grad():
        l0.weight.copy_(p["W0"].T)
        l0.bias.copy_(p["b0"])
        l1.weight.copy_(p["W1"].T)
        l1.bias.copy_(p["b1"])
        l2.weight.copy_(p["W2"].T)
    model = torch.nn.Sequential(l0, torch.nn.Tanh(), l1, torch.nn.Tanh(), l2)
    optimiser = torch.optim.Adam(model.parameters(), lr=req["lr"])

    def loss_fn():
        # The second output is H (greydanus/hamiltonian-nn, hnn.py); field (dH/dp, -dH/dq).
        H = model(x)[:, 1].sum()
        (dH,) = torch.autograd.grad(H, x, create_graph=True)
        field = torch.cat([dH[:, 1:2], -dH[:, 0:1]], dim=1)
        return ((field - y) ** 2).mean()

    def step():
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        optimiser.step()
        return loss

    def check():
        optimiser.zero_grad(set_to_none=True)
        loss = loss_fn()
        loss.backward()
        grads = {
            "W0": l0.weight.grad.T,
            "b0": l0.bias.grad,
            "W1": l1.weight.grad.T,
            "b1": l1.bias.grad,
            "W2": l2.weight.grad.T,
        }
        return {"loss": loss.item(), "grads": {k: g.reshape(-1).tolist() for k, g in grads.items()}}

    return step, check


def matmul_task(req):
    a = array(req["a"], req["dtype"])
    b = array(req["b"], req["dtype"])
    return (lambda: torch.mm(a, b)), (lambda: {"sum": torch.mm(a, b).sum().item()})


def sin_square_sum(x):
    return (torch.sin(x) * x * x).sum()


def sin_square_task(req):
    """f(x) = sum(sin(x) x^2), its gradient, or a Hessian-vector product (double backward or functorch)."""
    x = array(req["x"], req["dtype"])
    v = array(req["v"], req["dtype"])
    kind = req["kind"]
    if kind == "f":
        fn = lambda: sin_square_sum(x)
    elif kind == "grad":
        xg = x.clone().requires_grad_(True)
        fn = lambda: torch.autograd.grad(sin_square_sum(xg), xg)[0]
    elif kind == "hvp-reverse":
        # Reverse over reverse: differentiate <grad f, v> again (torch.autograd.functional.hvp does the same).
        xg = x.clone().requires_grad_(True)

        def fn():
            (g,) = torch.autograd.grad(sin_square_sum(xg), xg, create_graph=True)
            return torch.autograd.grad(g, xg, grad_outputs=v)[0]

    elif kind == "hvp-forward":
        fn = forward_over_reverse_hvp(sin_square_sum, x, v)
    else:
        raise ValueError(f"unknown kind {kind}")
    return fn, (lambda: {"values": fn().reshape(-1)[:8].tolist(), "sum": float(fn().sum())})


def forward_over_reverse_hvp(f, primal, tangent):
    """H·v as functorch's jvp of grad: a function of no arguments, for the timed loop."""
    if functorch is None:
        raise RuntimeError("functorch is not available")
    grad_f = functorch.grad(f)
    return lambda: functorch.jvp(grad_f, (primal,), (tangent,))[1]


def mlp_sum(params, x):
    """Sum over the batch of an MLP's outputs, in Liouville's layout (h @ W + b; tanh between layers)."""
    layers = len([name for name in params if name.startswith("W")])
    h = x
    for i in range(layers):
        h = h @ params[f"W{i}"]
        if f"b{i}" in params:
            h = h + params[f"b{i}"]
        if i < layers - 1:
            h = torch.tanh(h)
    return h.sum()


def mlp_task(req):
    """The ad-cost MLP: f(θ), its parameter gradient, or H·v in parameter space (double backward or functorch)."""
    dtype = req["dtype"]
    names = sorted(req["params"])
    params = tuple(array(req["params"][name], dtype) for name in names)
    direction = tuple(array(req["direction"][name], dtype) for name in names)
    x = array(req["x"], dtype)
    f = lambda ps: mlp_sum(dict(zip(names, ps)), x)
    kind = req["kind"]
    tracked = tuple(p.clone().requires_grad_(True) for p in params)
    if kind == "f":
        fn = lambda: f(params)
    elif kind == "grad":
        fn = lambda: torch.autograd.grad(f(tracked), tracked)
    elif kind == "hvp-reverse":

        def fn():
            g = torch.autograd.grad(f(tracked), tracked, create_graph=True)
            # The last bias's gradient is a constant (the batch size), with no graph: it is left
            # out of the second pass, and parameters it reaches nothing for get zeros, as
            # torch.autograd.functional.hvp does.
            live = [(gi, vi) for gi, vi in zip(g, direction) if gi.requires_grad]
            hv = torch.autograd.grad(
                [gi for gi, _ in live], tracked, grad_outputs=[vi for _, vi in live], allow_unused=True
            )
            return tuple(torch.zeros_like(p) if h is None else h for p, h in zip(tracked, hv))

    elif kind == "hvp-forward":
        fn = forward_over_reverse_hvp(f, params, direction)
    else:
        raise ValueError(f"unknown kind {kind}")

    def check():
        out = fn()
        if kind == "f":
            return {"value": float(out)}
        return {"values": {name: t.detach().reshape(-1).tolist() for name, t in zip(names, out)}}

    return fn, check


def chain_task(req):
    """The ad-overhead chain: `ops` elementwise ops (x*a, +b) on shape [3], then a sum, at one AD level."""
    dtype = req["dtype"]
    x = array(req["x"], dtype)
    v = array(req["v"], dtype)
    a = array(req["a"], dtype)
    b = array(req["b"], dtype)
    ops = req["ops"]

    def chain(z):
        for _ in range(ops // 2):
            z = z * a + b
        return z.sum()

    level = req["level"]
    if level == "plain":
        fn = lambda: chain(x)
    elif level == "no_grad":
        def fn():
            with torch.no_grad():
                return chain(x)
    elif level == "grad":
        xg = x.clone().requires_grad_(True)
        fn = lambda: torch.autograd.grad(chain(xg), xg)[0]
    elif level == "jvp":
        import torch.autograd.forward_ad as fwAD

        def fn():
            with fwAD.dual_level():
                out = chain(fwAD.make_dual(x, v))
                return fwAD.unpack_dual(out).tangent

    elif level == "jvp_of_grad":
        if functorch is None:
            raise RuntimeError("functorch is not available")
        grad_chain = functorch.grad(chain)
        fn = lambda: functorch.jvp(grad_chain, (x,), (v,))[1]
    elif level == "grad_of_grad":
        xg = x.clone().requires_grad_(True)

        def fn():
            (g,) = torch.autograd.grad(chain(xg), xg, create_graph=True)
            if not g.requires_grad:
                # The chain is linear, so its gradient does not depend on x and autograd recorded no
                # graph for it: the second derivative is zero (what torch.autograd.functional returns).
                return torch.zeros_like(xg)
            return torch.autograd.grad(g.sum(), xg)[0]

    else:
        raise ValueError(f"unknown level {level}")
    return fn, (lambda: {"values": fn().reshape(-1).tolist()})


TASKS = {
    "hnn": hnn_task,
    "matmul": matmul_task,
    "sinSquare": sin_square_task,
    "mlp": mlp_task,
    "chain": chain_task,
}


def main():
    tasks = {}
    for line in sys.stdin:
        req = json.loads(line)
        op = req.get("op")
        try:
            if op == "hello":
                answer = {
                    "torch": torch.__version__,
                    "python": sys.version.split()[0],
                    "threads": torch.get_num_threads(),
                    "interopThreads": torch.get_num_interop_threads(),
                    "functorch": functorch is not None,
                    "blas": loaded_blas(),
                }
            elif op == "setup":
                tasks[len(tasks)] = TASKS[req["task"]](req)
                answer = {"id": len(tasks) - 1}
            elif op == "run":
                fn = tasks[req["id"]][0]
                iters = int(req["iters"])
                start = time.perf_counter()
                for _ in range(iters):
                    fn()
                answer = {"ms": (time.perf_counter() - start) * 1e3}
            elif op == "check":
                answer = tasks[req["id"]][1]()
            else:
                answer = {"error": f"unknown op {op}"}
        except Exception as error:
            answer = {"error": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
