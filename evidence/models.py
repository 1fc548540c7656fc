"""Independent evidence of outages: what the eHealth status service said, and when.

The observation log is append-only and hash-chained: each entry holds the SHA-256 of the
previous one, so a changed or removed entry breaks the chain (``verify_status_log``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from outages.models import Incident, Service


class ComponentStatus(models.TextChoices):
    OPERATIONAL = "operational", _("Operational")
    DEGRADED_PERFORMANCE = "degraded_performance", _("Degraded performance")
    PARTIAL_OUTAGE = "partial_outage", _("Partial outage")
    MAJOR_OUTAGE = "major_outage", _("Major outage")
    UNDER_MAINTENANCE = "under_maintenance", _("Under maintenance")
    UNKNOWN = "unknown", _("Unknown")


class StatusComponent(models.Model):
    """A component of the status page and the service it stands for (edited by an admin).

    Matched by the status page's id, or else by its French or Dutch name ignoring case; a
    component that matches no row is added without a service and listed as unmapped.
    """

    name = models.CharField(_("component name"), max_length=200, unique=True)
    external_id = models.CharField(_("status page id"), max_length=100, blank=True)
    group_name = models.CharField(_("group"), max_length=200, blank=True)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    status = models.CharField(
        _("last status"),
        max_length=30,
        choices=ComponentStatus.choices,
        default=ComponentStatus.UNKNOWN,
    )
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("status page component")
        verbose_name_plural = _("status page components")

    def __str__(self) -> str:
        return self.name


class StatusObservation(models.Model):
    """One entry of the append-only log: a component's change of status, or a gap."""

    class Kind(models.TextChoices):
        CHANGE = "change", _("Status change")
        GAP = "gap", _("Gap in polling")

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    received_at = models.DateTimeField(_("received"))
    component_name = models.CharField(_("component"), max_length=200, blank=True)
    component_id = models.CharField(_("status page id"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=ComponentStatus.choices)
    previous_status = models.CharField(
        _("previous status"), max_length=30, choices=ComponentStatus.choices, blank=True
    )
    # A gap: polling gave no answer between these instants (status unknown, never operational).
    gap_start = models.DateTimeField(_("gap start"), null=True, blank=True)
    gap_end = models.DateTimeField(_("gap end"), null=True, blank=True)
    response_sha256 = models.CharField(_("response SHA-256"), max_length=64, blank=True)
    previous_hash = models.CharField(_("previous entry SHA-256"), max_length=64)
    entry_hash = models.CharField(_("entry SHA-256"), max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("status observation")
        verbose_name_plural = _("status observations")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.kind} {self.component_name} {self.status}"


class WatcherState(models.Model):
    """The one row of heartbeat: when the watcher last polled, last got an answer, and
    since when it has been without one (an open gap)."""

    last_poll_at = models.DateTimeField(_("last poll"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last answer"), null=True, blank=True)
    gap_open_since = models.DateTimeField(_("without answer since"), null=True, blank=True)
    polls = models.PositiveBigIntegerField(_("polls"), default=0)
    unchanged_polls = models.PositiveBigIntegerField(_("unchanged polls"), default=0)

    class Meta:
        verbose_name = _("watcher heartbeat")
        verbose_name_plural = _("watcher heartbeat")

    def __str__(self) -> str:
        return f"polls {self.polls}"


class WatcherError(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", _("Network error")
        TIMEOUT = "timeout", _("Timeout")
        HTTP = "http", _("HTTP error")
        NOT_JSON = "not_json", _("Not JSON")
        SHAPE = "shape", _("Unexpected shape")
        VANISHED = "vanished", _("Component vanished")

    at = models.DateTimeField(_("when"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("watcher error")
        verbose_name_plural = _("watcher errors")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class WatchedIncident(models.Model):
    """An outage seen by the watcher on one component: the span it observed, the
    provisional incident it put in the calendar, and the official one that replaced it."""

    class State(models.TextChoices):
        OPEN = "open", _("Ongoing")
        CLOSED = "closed", _("Recovered")
        CONFIRMED = "confirmed", _("Confirmed by an admin")
        DISCARDED = "discarded", _("Discarded by an admin")
        LINKED = "linked", _("Linked to an official incident")

    component = models.ForeignKey(
        StatusComponent, on_delete=models.PROTECT, related_name="incidents"
    )
    start = models.DateTimeField(_("observed start"))
    end = models.DateTimeField(_("observed end"), null=True, blank=True)
    impact = models.CharField(_("worst impact"), max_length=30)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default="open")
    incident = models.OneToOneField(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="watched",
        verbose_name=_("provisional incident"),
    )
    official = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("official incident"),
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("incident seen by the watcher")
        verbose_name_plural = _("incidents seen by the watcher")

    def __str__(self) -> str:
        return f"{self.component} {self.start:%Y-%m-%d %H:%M}"
