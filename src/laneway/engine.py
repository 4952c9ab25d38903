"""The decision engine: profile -> classify -> policy, pure and synchronous.

One :class:`Engine` is built at start (from a :class:`~laneway.config.Config`) and shared by the
gateway, ``laneway route``, ``laneway eval`` and ``laneway plan``, so a plan can never disagree with
what the gateway would do.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from laneway.catalog.model import Catalog
from laneway.config import Config, PolicySettings
from laneway.lanes.classifier import LaneClassifier, TextPrediction
from laneway.lanes.lane import Lane, Surface
from laneway.lanes.profile import RequestProfile, profile_request, text_profile
from laneway.policy import Decision, LaneCall, Policy

#: Confidence reported for a lane decided by request structure rather than by text.
STRUCTURAL_CONFIDENCE = 0.99
_SURFACE_LANE = {Surface.CODEX_CLOUD: Lane.CLOUD_TASK, Surface.CODEX_REVIEW: Lane.CODE_REVIEW}
#: Text predictions remembered per engine (least recently used dropped first). Agents resend the
#: same newest user task on every turn of a session, so most requests hit; the bound keeps memory
#: flat (keys are 16-byte digests, not the texts).
PREDICTION_CACHE_SIZE = 4_096


class Engine:
    __slots__ = ("_predictions", "catalog", "classifier", "hosted_index", "policy", "settings")

    def __init__(self, catalog: Catalog, settings: PolicySettings, classifier: LaneClassifier) -> None:
        self.catalog = catalog
        self.settings = settings
        self.classifier = classifier
        self.policy = Policy(catalog, settings)
        self.hosted_index = catalog.hosted_tool_index()
        self._predictions: OrderedDict[bytes, TextPrediction] = OrderedDict()

    @classmethod
    def default(cls) -> Engine:
        return cls.from_config(Config())

    @classmethod
    def from_config(cls, config: Config, *, classifier: LaneClassifier | None = None) -> Engine:
        clf = classifier or LaneClassifier.load(config.classifier.weights)
        return cls(config.build_catalog(), config.policy, clf)

    # -- profile ---------------------------------------------------------------------------
    def profile(
        self, body: Mapping[str, Any], *, endpoint: str, headers: Mapping[str, str] | None = None
    ) -> RequestProfile:
        return profile_request(body, endpoint=endpoint, headers=headers, hosted_index=self.hosted_index)

    def profile_text(
        self,
        text: str,
        *,
        tools: Sequence[str] = (),
        images: int = 0,
        surface: Surface = Surface.API,
    ) -> RequestProfile:
        return text_profile(text, tools=tools, images=images, surface=surface, hosted_index=self.hosted_index)

    # -- classify --------------------------------------------------------------------------
    def classify(self, profile: RequestProfile) -> LaneCall:
        """The lane: explicit hints, then structure, then the text classifier."""
        if profile.lane_hint is not None:
            return LaneCall(profile.lane_hint, 1.0, (f"lane forced by {profile.hint_source}",), True)
        structural = self._structural(profile)
        if structural is not None:
            lane, why = structural
            return LaneCall(lane, STRUCTURAL_CONFIDENCE, (why,))
        prediction = self.predict_text(profile.task_text)
        signals = ", ".join(prediction.signals[:3])
        why = f"text classifier: {prediction.lane.value} ({prediction.confidence:.2f})"
        if signals:
            why += f" on {signals}"
        threshold = self.settings.codex_threshold
        if threshold is not None:
            # the knob is the operator's rule for uncertain texts: it replaces the fallback, which
            # would otherwise send every text it moved (one lane's probability is often below
            # min_confidence) back to the default lane
            prediction, why = self._apply_threshold(prediction, threshold, why)
            return LaneCall(prediction.lane, prediction.confidence, (why,))
        if prediction.confidence < self.settings.min_confidence:
            default = self.settings.default_lane
            return LaneCall(
                default,
                prediction.confidence,
                (
                    why,
                    f"confidence below {self.settings.min_confidence:.2f}: policy default "
                    f"{default.value} (mini first, escalates on failure)",
                ),
                low_confidence=True,
            )
        return LaneCall(prediction.lane, prediction.confidence, (why,))

    def _apply_threshold(
        self, prediction: TextPrediction, threshold: float, why: str
    ) -> tuple[TextPrediction, str]:
        """The cost <-> quality knob: the strong model's lanes together against ``threshold``."""
        strong = self.settings.escalation_model
        probs = prediction.probabilities
        share = sum(p for lane, p in probs.items() if self.catalog.lanes[lane].owner == strong)
        wants_strong = share >= threshold
        group = [lane for lane in probs if (self.catalog.lanes[lane].owner == strong) == wants_strong]
        if not group or prediction.lane in group:
            return prediction, why
        lane = max(group, key=lambda candidate: probs[candidate])
        side = "at or above" if wants_strong else "below"
        why += f"; {strong} share {share:.2f} {side} codex_threshold {threshold:.2f}: {lane.value}"
        moved = TextPrediction(lane, probs[lane], probs, prediction.signals)
        return moved, why

    def predict_text(self, text: str) -> TextPrediction:
        """The classifier's prediction for ``text``, remembered (a pure function of the text)."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        cache = self._predictions
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
        prediction = self.classifier.predict(text)
        cache[key] = prediction
        if len(cache) > PREDICTION_CACHE_SIZE:
            cache.popitem(last=False)
        return prediction

    def _structural(self, profile: RequestProfile) -> tuple[Lane, str] | None:
        lane = _SURFACE_LANE.get(profile.surface)
        if lane is not None:
            return lane, f"surface {profile.surface.value}"
        if profile.review is not None:
            return Lane.CODE_REVIEW, f"review by structure ({profile.review})"
        if profile.subagent is not None:
            return Lane.SUBAGENT, f"subagent ({profile.subagent})"
        if profile.computer_capable or profile.computer_calls:
            return Lane.COMPUTER_USE, "computer-use tool declared"
        if profile.tool_output_images and not profile.shell_calls:
            return Lane.COMPUTER_USE, f"{profile.tool_output_images} screenshot(s) in tool outputs"
        if profile.shell_capable and profile.shell_calls >= self.settings.terminal_shell_calls:
            return Lane.TERMINAL, (
                f"shell tool and a terminal-heavy history ({profile.shell_calls} shell calls, "
                f"{profile.failing_shell_calls} failing)"
            )
        return None

    # -- decide ----------------------------------------------------------------------------
    def decide_profile(
        self,
        profile: RequestProfile,
        *,
        requested_model: str | None = None,
        pinned_model: str | None = None,
        escalate: str | None = None,
        exclude: Collection[str] = (),
        cached_tokens: int = 0,
    ) -> Decision:
        call = self.classify(profile)
        threshold = self.settings.escalate_after_shell_failures
        if escalate is None and threshold > 0 and profile.consecutive_shell_failures >= threshold:
            escalate = f"{profile.consecutive_shell_failures} failing shell commands in a row"
        return self.policy.decide(
            profile,
            call,
            requested_model=requested_model,
            pinned_model=pinned_model,
            escalate=escalate,
            exclude=exclude,
            cached_tokens=cached_tokens,
        )

    def decide(
        self,
        body: Mapping[str, Any],
        *,
        endpoint: str = "responses",
        headers: Mapping[str, str] | None = None,
        requested_model: str | None = None,
    ) -> Decision:
        """Profile and decide one wire request (library entry point)."""
        profile = self.profile(body, endpoint=endpoint, headers=headers)
        return self.decide_profile(profile, requested_model=requested_model)

    def decide_text(
        self,
        text: str,
        *,
        tools: Sequence[str] = (),
        images: int = 0,
        surface: Surface = Surface.API,
    ) -> Decision:
        profile = self.profile_text(text, tools=tools, images=images, surface=surface)
        return self.decide_profile(profile)
