"""Q4: the gradients that common backprop mistakes produce, to name a student's bug.

Each function has the signature of `q4_numpy.gradients` and returns what a student's
`train_one_sample` with that mistake effectively subtracts (divided by the learning rate).
"""

from __future__ import annotations

import numpy as np

from reference.q4_numpy import LAYERS, dsigmoid, forward, gradients, integer_to_one_hot


def _backprop(params_w, params_b, sample, label, *, layer1_uses_u2=False, no_dsigmoid=False):
    pre, activations = forward(params_w, params_b, sample)
    delta3 = activations[3] - integer_to_one_hot(label, LAYERS[-1])
    back2 = delta3 @ params_w[2].T
    delta2 = back2 if no_dsigmoid else back2 * dsigmoid(pre[1])
    if layer1_uses_u2:
        # The seed's bug: sigma'(u2) applied after pushing through W2, instead of before.
        delta1 = (back2 @ params_w[1].T) * dsigmoid(pre[1]) * dsigmoid(pre[0])
    else:
        back1 = delta2 @ params_w[1].T
        delta1 = back1 if no_dsigmoid else back1 * dsigmoid(pre[0])
    deltas = [delta1, delta2, delta3]
    grad_w = [np.outer(activations[i], deltas[i]) for i in range(3)]
    return grad_w, deltas


def layer1_uses_dsigmoid_u2(params_w, params_b, sample, label):
    return _backprop(params_w, params_b, sample, label, layer1_uses_u2=True)


def bias_not_updated(params_w, params_b, sample, label):
    grad_w, grad_b = gradients(params_w, params_b, sample, label)
    return grad_w, [np.zeros_like(g) for g in grad_b]


def update_sign(params_w, params_b, sample, label):
    grad_w, grad_b = gradients(params_w, params_b, sample, label)
    return [-g for g in grad_w], [-g for g in grad_b]


def missing_dsigmoid(params_w, params_b, sample, label):
    return _backprop(params_w, params_b, sample, label, no_dsigmoid=True)


def transposed_gradient(params_w, params_b, sample, label):
    """W2 is square, so only its transposed gradient runs without a shape error."""
    grad_w, grad_b = gradients(params_w, params_b, sample, label)
    return [grad_w[0], grad_w[1].T, grad_w[2]], grad_b


MISTAKES = {
    "layer1-uses-dsigmoid-u2": layer1_uses_dsigmoid_u2,
    "bias-not-updated": bias_not_updated,
    "update-sign": update_sign,
    "missing-dsigmoid": missing_dsigmoid,
    "transposed-gradient": transposed_gradient,
}
