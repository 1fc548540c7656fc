"""Doctors, their declarations (slots, consultations) and their claims.

No patient identity is ever stored: a consultation is a time, a duration, a
nomenclature code, a fee, the services it needed and what became of it.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from claims.riziv import format_riziv, validate_riziv
from outages.models import Impact, IncidentStatus, Service


class Language(models.TextChoices):
    FR = "fr", _("French")
    NL = "nl", _("Dutch")
    EN = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Everyone who logs in: doctors, reviewers of the legal team, administrators."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FR
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Doctors in their default order (by name). The review list sorted by doctor no
        # longer walks it: it sorts on the copy of the name each claim carries.
        indexes = [models.Index(fields=["last_name", "first_name", "id"], name="user_name_order")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_doctor(self) -> bool:
        return hasattr(self, "doctor")


class Doctor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="doctor"
    )
    riziv = models.CharField(
        _("RIZIV/INAMI number"), max_length=11, unique=True, validators=[validate_riziv]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("doctor")
        verbose_name_plural = _("doctors")

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.riziv_display})"

    @property
    def riziv_display(self) -> str:
        return format_riziv(self.riziv)

    @property
    def full_name(self) -> str:
        return self.user.get_full_name()

    @property
    def language(self) -> str:
        return self.user.language


def _default_counted_impacts():
    return [Impact.MAJOR_OUTAGE.value, Impact.PARTIAL_OUTAGE.value]


def _default_counted_statuses():
    return [IncidentStatus.CONFIRMED.value]


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Completed with a workaround")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")
    UNPAID = "unpaid", _("Unpaid")


def _default_loss_outcomes():
    return [Outcome.CANCELLED.value, Outcome.UNPAID.value]


def _default_catch_up_minutes():
    return {"recip-e": 3, "mycarenet": 5, "dmg": 5, "tiers-payant": 5, "eattest": 5}


class Methodology(models.Model):
    """A published version of the calculation's parameters; never edited once published."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    published_on = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("Empty while a draft. Once published, a version can no longer change."),
    )
    counted_impacts = models.JSONField(_("counted impacts"), default=_default_counted_impacts)
    counted_statuses = models.JSONField(_("counted statuses"), default=_default_counted_statuses)
    hourly_rate = models.DecimalField(
        _("hourly rate (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("90.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    loss_outcomes = models.JSONField(_("revenue-loss outcomes"), default=_default_loss_outcomes)
    catch_up_minutes = models.JSONField(
        _("catch-up minutes per service"), default=_default_catch_up_minutes
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")

    def __str__(self) -> str:
        return self.version

    def save(self, *args, **kwargs):
        # A published version is evidence: a claim cites it. Refuse any change to it.
        if self.pk:
            stored = Methodology.objects.filter(pk=self.pk, published_on__isnull=False).exists()
            if stored:
                raise ValidationError(_("A published methodology version cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_on is not None

    def clean(self):
        impacts = set(Impact.values)
        if not set(self.counted_impacts or []) <= impacts:
            raise ValidationError({"counted_impacts": _("Unknown impact.")})
        if not set(self.counted_statuses or []) <= set(IncidentStatus.values):
            raise ValidationError({"counted_statuses": _("Unknown status.")})
        if not set(self.loss_outcomes or []) <= set(Outcome.values):
            raise ValidationError({"loss_outcomes": _("Unknown outcome.")})
        if not isinstance(self.catch_up_minutes, dict) or not all(
            isinstance(v, int) and v >= 0 for v in self.catch_up_minutes.values()
        ):
            raise ValidationError(
                {"catch_up_minutes": _("Give whole, positive minutes per service slug.")}
            )


class NomenclatureFee(models.Model):
    """The fee of a nomenclature code during a validity period (fees change every year)."""

    code = models.CharField(_("code"), max_length=10)
    label_fr = models.CharField(_("label (French)"), max_length=200)
    label_nl = models.CharField(_("label (Dutch)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    fee = models.DecimalField(_("fee (EUR)"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["code", "-valid_from"]
        verbose_name = _("nomenclature fee")
        verbose_name_plural = _("nomenclature fees")
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="fee_code_valid_from")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label} ({self.fee} EUR)"

    @property
    def label(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"label_{language}", None) or self.label_fr


class AffectedSlot(models.Model):
    """A time slot the doctor says an outage hit: [start, end)."""

    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    services = models.ManyToManyField(Service, related_name="+", verbose_name=_("services"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "end"]
        verbose_name = _("affected time slot")
        verbose_name_plural = _("affected time slots")
        constraints = [
            models.UniqueConstraint(fields=["doctor", "start", "end"], name="slot_unique_times"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="slot_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["doctor", "start"], name="slot_doctor_start")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M}–{self.end:%H:%M}"


class Consultation(models.Model):
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="consultations")
    start = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    code = models.CharField(_("nomenclature code"), max_length=10)
    fee = models.DecimalField(
        _("fee (EUR)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    services = models.ManyToManyField(Service, related_name="+", verbose_name=_("services needed"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start", "code"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(fields=["doctor", "start", "code"], name="consultation_unique"),
        ]
        indexes = [models.Index(fields=["doctor", "start"], name="consultation_doctor_start")]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} {self.code}"


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Claim(models.Model):
    """A doctor's claim for a period. On submission its inputs and figures are frozen."""

    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, related_name="claims")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    methodology = models.ForeignKey(
        Methodology, on_delete=models.PROTECT, related_name="claims", verbose_name=_("methodology")
    )
    declaration_accepted = models.BooleanField(_("declaration on honour"), default=False)
    # Which wording of the declaration the doctor accepted (claims.declaration.TEXTS).
    declaration_version = models.CharField(
        _("declaration version"), max_length=20, blank=True, editable=False
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Frozen at submission: inputs, parameters, figures, cited incidents (claims.snapshot).
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    # Figures copied out of the snapshot so that lists can filter, sort and sum in SQL.
    lost_minutes = models.IntegerField(_("lost minutes"), null=True, blank=True, editable=False)
    total = models.DecimalField(
        _("total (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    dossier = models.FileField(
        _("dossier"), upload_to="dossiers/%Y/%m/", blank=True, editable=False
    )
    dossier_sha256 = models.CharField(
        _("dossier SHA-256"), max_length=64, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The doctor's name, copied here by database triggers whenever a claim is written or
    # its doctor renamed (migration 0011, on PostgreSQL and SQLite), never by the code: the
    # review list sorted by doctor then walks one index of this table, where any page of
    # the sort through the users table meant joining and sorting every claim (issue 13).
    doctor_last_name = models.CharField(max_length=150, blank=True, default="", editable=False)
    doctor_first_name = models.CharField(max_length=150, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["doctor", "period_start", "period_end"], name="claim_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="claim_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "period_start"], name="claim_status_period"),
            # The review list's sorts, each with the id that breaks its ties: its keyset
            # pages ("next" after a key) are index range scans; the columns the list
            # always filters on (status) or often does (period, total) ride along, so
            # that a typed page number, whose OFFSET skips thousands of entries, skips
            # them in the index alone (an index-only scan) instead of sorting every claim
            # (issue 13, EXPLAIN ANALYZE in tests/benchmarks/bench_review.py).
            models.Index(
                fields=["submitted_at", "id"],
                include=["status", "period_start", "period_end", "total"],
                name="claim_submitted_order",
            ),
            models.Index(
                fields=["total", "id"],
                include=["status", "period_start", "period_end"],
                name="claim_total_order",
            ),
            models.Index(
                fields=["period_start", "period_end", "id"],
                include=["status", "total"],
                name="claim_period_order",
            ),
            models.Index(
                fields=["lost_minutes", "id"],
                include=["status", "period_start", "period_end", "total"],
                name="claim_lost_order",
            ),
            models.Index(
                fields=["doctor_last_name", "doctor_first_name", "id"],
                include=["status", "period_start", "period_end", "total"],
                name="claim_doctor_name_order",
            ),
        ]
        permissions = [
            ("review_claim", _("Can review submitted claims")),
            ("export_claims", _("Can export claims and batch dossiers")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.doctor} {self.period_start}–{self.period_end}"

    @property
    def is_frozen(self) -> bool:
        return self.status != ClaimStatus.DRAFT

    @property
    def version_token(self) -> str:
        """Changes with every write of the claim (a decision, a resubmission): a reviewer's
        form carries the one they read, so a decision on a claim changed since is refused."""
        return str(int(self.updated_at.timestamp() * 1_000_000)) if self.updated_at else ""


# =========================================================================================
# Review by the legal team (issue 6): decisions with reasons, earlier versions kept on
# resubmission, the append-only audit trail, consistency checks, batches and their
# outputs. The services are in claims/review/services/decisions.py and
# claims/review/services/batches.py.
# =========================================================================================


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    REQUEST_INFO = "request_info", _("Request information")


class ReasonCode(models.TextChoices):
    CONSISTENT = "consistent", _("Consistent with the official calendar")
    FLAGS_EXPLAINED = "flags_explained", _("Flags checked and explained")
    NO_VERIFIED_OUTAGE = "no_verified_outage", _("No verified outage in the declared time")
    DUPLICATE = "duplicate", _("Duplicate or overlapping claim")
    IMPLAUSIBLE = "implausible", _("Declarations not plausible")
    NO_REPLY = "no_reply", _("Requested information not provided in time")
    MISSING_DETAILS = "missing_details", _("Declarations incomplete")
    UNVERIFIED_TIME = "unverified_time", _("Too much unverified time")
    INCONSISTENT = "inconsistent", _("Declarations inconsistent")
    OTHER = "other", _("Other (explained in the text)")


#: Which reason codes fit which decision (the decision form offers only these).
REASONS_BY_DECISION = {
    Decision.APPROVE: [ReasonCode.CONSISTENT, ReasonCode.FLAGS_EXPLAINED, ReasonCode.OTHER],
    Decision.REJECT: [
        ReasonCode.NO_VERIFIED_OUTAGE,
        ReasonCode.DUPLICATE,
        ReasonCode.IMPLAUSIBLE,
        ReasonCode.NO_REPLY,
        ReasonCode.OTHER,
    ],
    Decision.REQUEST_INFO: [
        ReasonCode.MISSING_DETAILS,
        ReasonCode.UNVERIFIED_TIME,
        ReasonCode.INCONSISTENT,
        ReasonCode.OTHER,
    ],
}

#: The claim status each decision leads to.
STATUS_AFTER_DECISION = {
    Decision.APPROVE: ClaimStatus.APPROVED,
    Decision.REJECT: ClaimStatus.REJECTED,
    Decision.REQUEST_INFO: ClaimStatus.INFO_REQUESTED,
}


class ClaimDecision(models.Model):
    """A reviewer's decision on a claim, with its reason; never edited, a new one follows."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reason_code = models.CharField(_("reason"), max_length=30, choices=ReasonCode.choices)
    text = models.TextField(_("explanation"))
    status_before = models.CharField(max_length=20, choices=ClaimStatus.choices)
    # Only for a request for information: until then the doctor may correct and resubmit.
    cure_deadline = models.DateTimeField(_("correct before"), null=True, blank=True)
    created_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["claim", "-created_at"], name="decision_claim_created")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} #{self.claim_id}"


class ClaimVersion(models.Model):
    """An earlier submitted version of a claim, kept when the doctor resubmits it."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    methodology = models.ForeignKey(Methodology, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    lost_minutes = models.IntegerField(_("lost minutes"), null=True, blank=True)
    total = models.DecimalField(
        _("total (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    dossier = models.FileField(_("dossier"), upload_to="dossiers/versions/%Y/%m/", blank=True)
    dossier_sha256 = models.CharField(_("dossier SHA-256"), max_length=64, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), default=timezone.now)

    class Meta:
        ordering = ["claim", "number"]
        verbose_name = _("earlier version of a claim")
        verbose_name_plural = _("earlier versions of claims")
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="claim_version_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} v{self.number}"


class AuditAction(models.TextChoices):
    DECISION = "decision", _("Decision")
    RESUBMISSION = "resubmission", _("Corrected and resubmitted")


class AuditEntryQuerySet(models.QuerySet):
    # The trail is evidence: refuse bulk rewrites as well as single ones.
    def update(self, **kwargs):
        raise ValidationError(_("The audit trail is append-only."))

    def delete(self):
        raise ValidationError(_("The audit trail is append-only."))


class AuditEntry(models.Model):
    """Who changed what on a claim, when, with the values before and after. Append-only."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [models.Index(fields=["claim", "-created_at"], name="audit_claim_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} #{self.claim_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("The audit trail is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The audit trail is append-only."))


class ClaimCheck(models.Model):
    """The consistency flags of a submitted claim that need its snapshot (claims/review/flags.py).

    Computed once per submission and again on demand (the calendar may change), and stored
    so that the review list filters 40,000 claims by flag in SQL. The two flags that depend
    on other claims (an overlapping claim, a total above the 99th percentile) are computed
    in SQL by the review list itself, so they are never stale.
    """

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="review_check"
    )
    unverified_over_half = models.BooleanField(default=False)
    outside_slots = models.BooleanField(default=False)
    night_or_weekend = models.BooleanField(default=False)
    recomputation_differs = models.BooleanField(default=False)
    # Per flag, the numbers its reason quotes (translated when shown, not stored as text).
    details = models.JSONField(default=dict, blank=True)
    # The services whose cited outages the claim rests on: the review list's service filter.
    services = models.ManyToManyField(Service, related_name="+", blank=True)
    claim_submitted_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("consistency check")
        verbose_name_plural = _("consistency checks")

    def __str__(self) -> str:
        return f"check #{self.claim_id}"


class Batch(models.Model):
    """A set of claims the legal team files together (e.g. "Recip-e, January 2024")."""

    name = models.CharField(_("name"), max_length=200)
    # The review-list filters the batch was built from, kept as a record (empty: a selection).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    claims = models.ManyToManyField(Claim, through="BatchClaim", related_name="batches")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    # The 99th percentile of the batch's totals, fixed at freezing (the "outlier" flag).
    outlier_threshold = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")

    def __str__(self) -> str:
        return self.name

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class BatchClaim(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="members")
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="batch_memberships")
    position = models.PositiveIntegerField(default=0)
    # The stored dossier the batch was frozen with: the batch dossier must merge that one.
    dossier_sha256 = models.CharField(max_length=64, blank=True)
    # The claim's export row (claims/review/exports.py) as it was when the batch was frozen: the
    # frozen batch's CSV, XLSX and claims.csv are made from it, so they never change.
    export_row = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "claim"], name="batch_claim_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.claim_id}"


class BatchOutput(models.Model):
    """A file produced for a frozen batch in the background, with its progress."""

    class Kind(models.TextChoices):
        DOSSIER = "dossier", _("Batch dossier (PDF)")
        ZIP = "zip", _("Individual dossiers (ZIP)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("In progress")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to="batches/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # The summary pages are written in the language of whoever asked for them.
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FR)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moves with every progress step: a running output that stops moving lost its worker.
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "kind"], name="batch_output_kind_unique")
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.kind}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


# =========================================================================================
# Dossiers made in the background (issue 13, item 3): submission commits the frozen
# snapshot at once; the dossier is rendered, sealed and stored right after by a task
# (claims.tasks_dossier). This row is its progress, read by the claim page's status JSON.
# =========================================================================================


class DossierJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        RENDERING = "rendering", _("Laying out the pages")
        SEALING = "sealing", _("Sealing")
        STORING = "storing", _("Storing")
        RETRYING = "retrying", _("Will try again shortly")
        FAILED = "failed", _("Will be made at the first download")
        DONE = "done", _("Ready")

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="dossier_job"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    # For the operators (logs have the traceback); never shown to doctors.
    last_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"dossier of claim #{self.claim_id}: {self.state}"


# =========================================================================================
# "What the whole membership lost" computed in the background (issue 13): at 40,000
# doctors the pass takes about a minute, too long for a request. One row per computation:
# its period, its progress, then its result (claims.review.services.membership_jobs).
# =========================================================================================


class MembershipJob(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        COMPUTING = "computing", _("Computing")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    first_day = models.DateField()
    last_day = models.DateField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    doctors_done = models.PositiveIntegerField(default=0)
    #: Doctors with an account when the computation started: the progress bar's 100 %.
    doctors_total = models.PositiveIntegerField(default=0)
    #: ``membership_jobs.estimate_store`` of the finished estimate.
    result = models.JSONField(null=True, blank=True)
    # For the operators (logs have the traceback).
    last_error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["first_day", "last_day", "-created_at"], name="membership_job_period"
            )
        ]

    def __str__(self) -> str:
        return f"membership {self.first_day}–{self.last_day}: {self.state}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.doctors_total:
            return 0
        return min(99, self.doctors_done * 100 // self.doctors_total)
