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

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_doctor(self) -> bool:
        return hasattr(self, "doctor")


REVIEWERS_GROUP = "reviewers"


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

    def save(self, *args, **kwargs):
        # A published version is evidence: a claim cites it. Refuse any change to it.
        if self.pk:
            stored = Methodology.objects.filter(pk=self.pk, published_on__isnull=False).exists()
            if stored:
                raise ValidationError(_("A published methodology version cannot be changed."))
        super().save(*args, **kwargs)


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
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="slot_end_after_start"),
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
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Frozen at submission: inputs, parameters, figures, cited incidents (claims.snapshots).
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    # Figures copied out of the snapshot so that lists can filter, sort and sum in SQL.
    lost_minutes = models.IntegerField(_("lost minutes"), null=True, blank=True, editable=False)
    total = models.DecimalField(
        _("total (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    dossier = models.FileField(_("dossier"), upload_to="dossiers/%Y/%m/", blank=True, editable=False)
    dossier_sha256 = models.CharField(_("dossier SHA-256"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        indexes = [models.Index(fields=["status", "period_start"], name="claim_status_period")]
        permissions = [
            ("review_claim", _("Can review submitted claims")),
            ("export_claims", _("Can export claims and batch dossiers")),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.doctor} {self.period_start}–{self.period_end}"

    @property
    def is_frozen(self) -> bool:
        return self.status != ClaimStatus.DRAFT
