"""The official incident calendar: services, incidents and the imports that fed it."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The outage formats are one registry (a callable: a new format needs no migration).
from outages.formats import format_choices


class Service(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    sla_target = models.DecimalField(
        _("SLA target (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Monthly availability the operator commits to; empty when unknown."),
    )
    sla_source = models.CharField(
        _("SLA source"),
        max_length=500,
        blank=True,
        help_text=_("Where the target comes from (a document, an article, a URL)."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", None) or self.name_fr


class Impact(models.TextChoices):
    MAJOR_OUTAGE = "major_outage", _("Major outage")
    PARTIAL_OUTAGE = "partial_outage", _("Partial outage")
    DEGRADED_PERFORMANCE = "degraded_performance", _("Degraded performance")
    MAINTENANCE = "maintenance", _("Maintenance")


class IncidentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PROVISIONAL = "provisional", _("Provisional")


class Incident(models.Model):
    reference = models.CharField(_("reference"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True, help_text=_("Empty while ongoing."))
    impact = models.CharField(_("impact"), max_length=30, choices=Impact.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.CONFIRMED
    )
    services = models.ManyToManyField(Service, related_name="incidents", verbose_name=_("services"))
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start", "reference"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            # Serves "incidents that meet a period": start < period end AND end > period start.
            models.Index(fields=["start", "end"], name="incident_start_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="incident_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class ImportRecord(models.Model):
    """One import attempt: what was read, by whom, and what it did (or why it failed)."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Refused")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=format_choices)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    raw_file = models.FileField(_("raw file"), upload_to="imports/%Y/%m/", blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # Not errors: what an import read but did not use (e.g. Statuspage components that
    # match no service). Kept so that the record tells the whole story of the file.
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"


class IncidentChange(models.Model):
    """Which import created or changed which incident (the incident's import history)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    import_record = models.ForeignKey(
        ImportRecord, on_delete=models.CASCADE, related_name="changes"
    )
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["-import_record__created_at"]
        verbose_name = _("incident change")
        verbose_name_plural = _("incident changes")

    def __str__(self) -> str:
        return f"{self.incident_id} {self.action} by import {self.import_record_id}"


class PendingImport(models.Model):
    """An uploaded file between its preview and the admin's confirmation.

    The bytes wait under MEDIA_ROOT (never served), found through a random token kept in
    the uploader's session; the checksum taken at upload is checked again on confirm, so
    what is applied is exactly what was previewed. The same row then follows the import
    through the task queue, so the result page can show progress and the outcome.
    """

    class State(models.TextChoices):
        # A big file is previewed in the background (README, "Hardening").
        PREVIEWING = "previewing", _("Preview in progress")
        PREVIEWED = "previewed", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=20, choices=format_choices)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    stored_file = models.FileField(upload_to="pending-imports/", blank=True)
    # The dry run's report, capped (interfaces: preview first, then confirm).
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREVIEWED
    )
    task_id = models.CharField(max_length=64, blank=True)
    import_record = models.ForeignKey(
        ImportRecord, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.PREVIEWING, self.State.QUEUED, self.State.RUNNING)
