"""Content credentials: a signed C2PA manifest in every exported movie and PNG (``c2pa-python``).

The manifest says how the picture was made, so an editor or a platform can tell synthetic
footage from shot footage: a model render is AI-generated (IPTC digital source type
``trainedAlgorithmicMedia``) and names its model and the model files' fingerprint; a draft
render is a computer-generated animatic (``algorithmicMedia``). The recipe the file already
carries stays beside it.

The signature is the installation's own: on first use Previz makes a local certificate
authority and a signing certificate under it (ECDSA P-256, ten years), in the folder given or
the user's data folder (``PREVIZ_SIGNING_DIR`` moves it). It is self-signed, not issued by a
trust list, so readers report the manifest valid with ``signingCredential.untrusted``: it
proves the file is unchanged since this installation signed it, not who that installation
is.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import c2pa
import platformdirs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from previz import __version__

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_GENERATED = IPTC + "trainedAlgorithmicMedia"
COMPUTER_GENERATED = IPTC + "algorithmicMedia"
COMPOSITE_AI = IPTC + "compositeWithTrainedAlgorithmicMedia"
CHAIN_FILE, KEY_FILE = "signer-chain.pem", "signer-key.pem"
MIME = {".png": "image/png", ".mp4": "video/mp4"}
VALID_DAYS = 3650
DRAFT_BACKEND = "draft"
SIGNING_DIR_VARIABLE = "PREVIZ_SIGNING_DIR"
KEY_USAGES = ("digital_signature", "content_commitment", "key_encipherment",
              "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign",
              "encipher_only", "decipher_only")


class CredentialsError(Exception):
    """A file could not be signed; the message says which and why."""


@dataclass(frozen=True)
class Making:
    """How a picture was made, as the manifest tells it."""

    backend: str
    model: str = ""
    model_fingerprint: str = ""
    seed: int | None = None

    @property
    def generated_by_model(self) -> bool:
        """Whether a trained model drew it (anything but the draft renderer)."""
        return self.backend != DRAFT_BACKEND

    @property
    def source_type(self) -> str:
        """The IPTC digital source type."""
        return AI_GENERATED if self.generated_by_model else COMPUTER_GENERATED

    @classmethod
    def from_provenance(cls, provenance: Mapping[str, Any]) -> Making:
        """From a clip's provenance (backend, model, fingerprint, seed)."""
        seed = provenance.get("seed")
        return cls(str(provenance.get("backend") or DRAFT_BACKEND),
                   str(provenance.get("model") or ""),
                   str(provenance.get("model_fingerprint") or ""),
                   seed if isinstance(seed, int) else None)


def manifest(title: str, makings: list[Making]) -> dict[str, Any]:
    """The C2PA manifest for a file showing pictures made as ``makings`` say (a cut: many):
    one creation, AI-generated if every picture is a model's, a composite with AI-generated
    media if some are, computer-generated if none is; every model named."""
    unique = list(dict.fromkeys(makings))
    by_model = [making for making in unique if making.generated_by_model]
    if by_model and len(by_model) == len(unique):
        source, description = AI_GENERATED, "AI-generated previsualization"
    elif by_model:
        source, description = COMPOSITE_AI, "previsualization with AI-generated shots"
    else:
        source, description = COMPUTER_GENERATED, "computer-generated previsualization animatic"
    parameters: dict[str, Any] = {"renders": [_render(making) for making in unique]}
    if len(by_model) == 1:
        parameters |= {"model": by_model[0].model,
                       "model_fingerprint": by_model[0].model_fingerprint}
    action = {"action": "c2pa.created", "digitalSourceType": source,
              "softwareAgent": {"name": "Previz", "version": __version__},
              "description": description, "parameters": parameters}
    return {"claim_generator_info": [{"name": "Previz", "version": __version__}],
            "title": title,
            "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": [action]}}]}


def _render(making: Making) -> dict[str, Any]:
    render: dict[str, Any] = {"backend": making.backend}
    if making.model:
        render |= {"model": making.model, "model_fingerprint": making.model_fingerprint}
    if making.seed is not None:
        render["seed"] = making.seed
    return render


def sign_file(path: Path, makings: list[Making], identity: Path | None = None) -> None:
    """Embed a signed manifest in the MP4 or PNG at ``path`` (replaced only when signed)."""
    mime = MIME.get(path.suffix.lower())
    if mime is None:
        raise CredentialsError(f"{path}: only MP4 and PNG files carry credentials here")
    signer = _signer(identity_folder(identity))
    builder = c2pa.Builder(json.dumps(manifest(path.name, makings)))
    temp = path.with_name(f".{path.stem}.signing{path.suffix}")
    try:
        with open(path, "rb") as source, open(temp, "w+b") as dest:
            builder.sign(signer, mime, source, dest)
        os.replace(temp, path)
    except c2pa.C2paError as error:
        raise CredentialsError(f"{path}: content credentials could not be signed: {error}"
                               ) from error
    finally:
        temp.unlink(missing_ok=True)


def identity_folder(folder: Path | None = None) -> Path:
    """The folder holding this installation's signing certificate and key, made on first use."""
    folder = folder or Path(os.environ.get(SIGNING_DIR_VARIABLE)
                            or Path(platformdirs.user_data_dir("previz")) / "c2pa")
    if not (folder / CHAIN_FILE).is_file() or not (folder / KEY_FILE).is_file():
        _make_identity(folder)
    return folder


@functools.cache
def _signer(folder: Path) -> c2pa.Signer:
    chain = (folder / CHAIN_FILE).read_bytes()
    key = (folder / KEY_FILE).read_bytes()
    return c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, key,
                                                     None))


def _make_identity(folder: Path) -> None:
    """A local CA and a signing certificate under it; the key readable by the user only."""
    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Previz local signing authority")
    ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, now, authority=True)
    leaf = _certificate(_name("Previz export signer"), ca_name, key.public_key(), ca_key, now,
                        authority=False)
    pem = serialization.Encoding.PEM
    key_path = folder / KEY_FILE
    handle = os.open(key_path.with_suffix(".partial"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                     0o600)
    with os.fdopen(handle, "wb") as file:
        file.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()))
    (folder / CHAIN_FILE).write_bytes(leaf.public_bytes(pem) + ca.public_bytes(pem))
    os.replace(key_path.with_suffix(".partial"), key_path)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Previz (self-signed)")])


def _certificate(subject: x509.Name, issuer: x509.Name, public: ec.EllipticCurvePublicKey,
                 signing: ec.EllipticCurvePrivateKey, now: datetime.datetime, *,
                 authority: bool) -> x509.Certificate:
    usage = dict.fromkeys(KEY_USAGES, False)
    usage |= ({"key_cert_sign": True, "crl_sign": True} if authority
              else {"digital_signature": True})
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(public).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=1))
               .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
               .add_extension(x509.BasicConstraints(ca=authority,
                                                    path_length=0 if authority else None),
                              critical=True)
               .add_extension(x509.KeyUsage(**usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public),
                              critical=False))
    if not authority:
        builder = (builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                signing.public_key()), critical=False))
    return builder.sign(signing, hashes.SHA256())
