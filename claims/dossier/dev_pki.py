"""A throw-away PKI for development and tests: a root, an e-seal certificate, a TSA.

Never for production: ABSyM's real seal is a qualified certificate from a trust service
provider (README, "Seal"). These certificates say "development" in their names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KEY_BITS = 2048


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def key_der(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


@dataclass(frozen=True)
class DevPki:
    root: Issued
    seal: Issued
    tsa: Issued

    def seal_p12(self, password: str, *, name: str = "ABSyM seal (development)") -> bytes:
        return pkcs12.serialize_key_and_certificates(
            name.encode(),
            self.seal.key,
            self.seal.certificate,
            [self.root.certificate],
            serialization.BestAvailableEncryption(password.encode())
            if password
            else serialization.NoEncryption(),
        )


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _issue(
    subject: x509.Name,
    *,
    issuer: Issued | None,
    ca: bool,
    extended_usage: list | None,
    now: datetime,
    days: int,
) -> Issued:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    if extended_usage:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_usage), critical=True)
    signing_key = issuer.key if issuer else key
    return Issued(builder.sign(signing_key, hashes.SHA256()), key)


def dev_pki(*, organisation: str = "ABSyM-BVAS (development)", days: int = 365) -> DevPki:
    now = datetime.now(UTC)
    root = _issue(
        _name("Development root", organisation),
        issuer=None,
        ca=True,
        extended_usage=None,
        now=now,
        days=days,
    )
    seal = _issue(
        _name("ABSyM e-seal (development)", organisation),
        issuer=root,
        ca=False,
        extended_usage=None,
        now=now,
        days=days,
    )
    tsa = _issue(
        _name("Development timestamp authority", organisation),
        issuer=root,
        ca=False,
        extended_usage=[ExtendedKeyUsageOID.TIME_STAMPING],
        now=now,
        days=days,
    )
    return DevPki(root, seal, tsa)
