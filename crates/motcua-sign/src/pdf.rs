//! PAdES baseline signatures in a PDF (ETSI EN 319 142-1, B-B level): an incremental update
//! adds a signature dictionary (`/SubFilter /ETSI.CAdES.detached`) and its invisible field;
//! the CMS signature covers every byte of the file except its own `/Contents` string. The
//! verifier reads the last signature the same way and also refuses a file changed after it.

use chrono::{DateTime, Utc};
use der::Decode;
use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, StringFormat};

use crate::algorithms::DigestKind;
use crate::make::{KeyKind, RawSigner, SignError, ToBeSigned, assemble, leaf, prepare};
use crate::{Certificate, Refusal, TrustStore, Verified, verify_detached};

/// Room reserved for the CMS signature: a chain of a few RSA-4096 certificates fits.
const RESERVED: usize = 16 * 1024;

/// Who signs and why, as the signature dictionary records it.
#[derive(Debug, Clone)]
pub struct SignatureInfo {
    /// The signer's name.
    pub name: String,
    /// The reason (e.g. "Ký kết quả giải quyết hồ sơ 000.11.12.H48-261204-0001").
    pub reason: String,
    /// The place.
    pub location: String,
}

fn pdf_err(e: impl std::fmt::Display) -> SignError {
    SignError(format!("tệp PDF: {e}"))
}

/// A text string in UTF-16BE with its byte-order mark, so Vietnamese survives.
fn text(s: &str) -> Object {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn pdf_date(at: DateTime<Utc>) -> Object {
    let vn = at + chrono::TimeDelta::hours(7);
    Object::string_literal(format!("D:{}+07'00'", vn.format("%Y%m%d%H%M%S")))
}

/// Resolves a direct dictionary or one behind a reference, cloned.
fn dict_of(doc: &lopdf::Document, o: &Object) -> Option<Dictionary> {
    match o {
        Object::Dictionary(d) => Some(d.clone()),
        Object::Reference(id) => doc.get_dictionary(*id).ok().cloned(),
        _ => None,
    }
}

/// Resolves a direct array or one behind a reference, cloned.
fn array_of(doc: &lopdf::Document, o: &Object) -> Vec<Object> {
    match o {
        Object::Array(a) => a.clone(),
        Object::Reference(id) => doc
            .get_object(*id)
            .and_then(Object::as_array)
            .cloned()
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The file with an empty signature appended: its signature dictionary, field and widget on
/// the first page, and the form that lists it.
fn with_placeholder(
    pdf: &[u8],
    info: &SignatureInfo,
    at: DateTime<Utc>,
) -> Result<Vec<u8>, SignError> {
    let mut inc: IncrementalDocument = pdf.try_into().map_err(pdf_err)?;
    let prev = inc.get_prev_documents().clone();
    let root: ObjectId = prev
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(pdf_err)?;
    let page: ObjectId = *prev
        .get_pages()
        .get(&1)
        .ok_or_else(|| pdf_err("không có trang nào"))?;

    let mut sig = Dictionary::new();
    sig.set("Type", Object::Name(b"Sig".to_vec()));
    sig.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    sig.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    sig.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(9_999_999_999),
            Object::Integer(9_999_999_999),
            Object::Integer(9_999_999_999),
        ]),
    );
    sig.set(
        "Contents",
        Object::String(vec![0; RESERVED], StringFormat::Hexadecimal),
    );
    sig.set("M", pdf_date(at));
    sig.set("Name", text(&info.name));
    sig.set("Reason", text(&info.reason));
    sig.set("Location", text(&info.location));
    let sig_id = inc.new_document.add_object(sig);

    let fields = prev
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .and_then(|f| dict_of(&prev, f));
    let existing = fields
        .as_ref()
        .and_then(|f| f.get(b"Fields").ok())
        .map(|f| array_of(&prev, f))
        .unwrap_or_default();
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set(
        "Rect",
        Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]),
    );
    widget.set("V", Object::Reference(sig_id));
    widget.set("T", text(&format!("Chữ ký {}", existing.len() + 1)));
    // Print and locked: an invisible signature that cannot be moved.
    widget.set("F", Object::Integer(132));
    widget.set("P", Object::Reference(page));
    let widget_id = inc.new_document.add_object(widget);

    inc.opt_clone_object_to_new_document(page)
        .map_err(pdf_err)?;
    let page_dict = inc
        .new_document
        .get_object_mut(page)
        .and_then(Object::as_dict_mut)
        .map_err(pdf_err)?;
    let mut annots = page_dict
        .get(b"Annots")
        .map(|a| array_of(&prev, a))
        .unwrap_or_default();
    annots.push(Object::Reference(widget_id));
    page_dict.set("Annots", Object::Array(annots));

    let mut form = fields.unwrap_or_default();
    let mut all = existing;
    all.push(Object::Reference(widget_id));
    form.set("Fields", Object::Array(all));
    form.set("SigFlags", Object::Integer(3));
    inc.opt_clone_object_to_new_document(root)
        .map_err(pdf_err)?;
    inc.new_document
        .get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .map_err(pdf_err)?
        .set("AcroForm", Object::Dictionary(form));

    let mut out = Vec::new();
    inc.save_to(&mut out).map_err(pdf_err)?;
    Ok(out)
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn find_from(hay: &[u8], from: usize, byte: u8) -> Option<usize> {
    hay.get(from..)?
        .iter()
        .position(|b| *b == byte)
        .map(|p| from + p)
}

/// `bytes` without the range `gap`: what a signature covers.
fn without(bytes: &[u8], gap: std::ops::Range<usize>) -> Option<Vec<u8>> {
    let mut out = bytes.get(..gap.start)?.to_vec();
    out.extend_from_slice(bytes.get(gap.end..)?);
    Some(out)
}

/// A PDF with room for its signature, and what the signer must sign.
#[derive(Debug, Clone)]
pub struct PreparedPdf {
    bytes: Vec<u8>,
    /// Where the `/Contents` hex string starts (its `<`).
    start: usize,
    /// What the signer signs.
    pub tbs: ToBeSigned,
}

/// Prepares a PDF for a signature by the holder of `cert` at `at`: the incremental update
/// with an empty signature, and the signed attributes over the bytes it will cover.
pub fn prepare_pdf(
    pdf: &[u8],
    info: &SignatureInfo,
    at: DateTime<Utc>,
    cert: &Certificate,
) -> Result<PreparedPdf, SignError> {
    let broken = || pdf_err("không đặt được chỗ cho chữ ký");
    let mut out = with_placeholder(pdf, info, at)?;
    let mut hole = vec![b'<'];
    hole.extend(std::iter::repeat_n(b'0', RESERVED * 2));
    hole.push(b'>');
    let start = find_last(&out, &hole).ok_or_else(broken)?;
    let end = start + hole.len();
    let range_at =
        find_last(out.get(..start).ok_or_else(broken)?, b"/ByteRange").ok_or_else(broken)?;
    let open = find_from(&out, range_at, b'[').ok_or_else(broken)?;
    let close = find_from(&out, open, b']').ok_or_else(broken)?;
    let ranges = format!("[0 {start} {end} {}", out.len() - end);
    let width = close - open;
    if ranges.len() > width {
        return Err(broken());
    }
    let padded = format!("{ranges:<width$}");
    out.get_mut(open..close)
        .ok_or_else(broken)?
        .copy_from_slice(padded.as_bytes());
    let covered = without(&out, start..end).ok_or_else(broken)?;
    let tbs = prepare(&DigestKind::Sha256.digest(&covered), at, cert)?;
    Ok(PreparedPdf {
        bytes: out,
        start,
        tbs,
    })
}

/// The signed PDF from what was prepared and the signature the signer returned.
pub fn finish_pdf(
    prepared: PreparedPdf,
    signature: &[u8],
    kind: KeyKind,
    chain: &[Certificate],
) -> Result<Vec<u8>, SignError> {
    let PreparedPdf {
        mut bytes,
        start,
        tbs,
    } = prepared;
    let cms = assemble(tbs, signature, kind, chain)?;
    if cms.len() > RESERVED {
        return Err(SignError("chữ ký vượt chỗ dành sẵn".into()));
    }
    let hex: String = cms.iter().map(|b| format!("{b:02X}")).collect();
    bytes
        .get_mut(start + 1..start + 1 + hex.len())
        .ok_or_else(|| pdf_err("không đặt được chữ ký"))?
        .copy_from_slice(hex.as_bytes());
    Ok(bytes)
}

/// Signs a PDF with a local signer: the file with the signature appended as an incremental
/// update.
pub fn sign_pdf(
    pdf: &[u8],
    info: &SignatureInfo,
    at: DateTime<Utc>,
    chain: &[Certificate],
    signer: &dyn RawSigner,
) -> Result<Vec<u8>, SignError> {
    let cert = leaf(chain)?;
    let prepared = prepare_pdf(pdf, info, at, cert)?;
    let signature = signer.sign(prepared.tbs.message())?;
    finish_pdf(prepared, &signature, signer.kind(), chain)
}

/// A signature found in a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The CMS signature (DER).
    pub cms: Vec<u8>,
    /// The bytes it covers: the file without its `/Contents` string.
    pub covered: Vec<u8>,
}

/// The last signature in a PDF; `None` without one.
pub fn last_signature(pdf: &[u8]) -> Result<Option<Embedded>, Refusal> {
    let Some(at) = find_last(pdf, b"/ByteRange") else {
        return Ok(None);
    };
    let bad = |what: &str| Refusal::Malformed(format!("/ByteRange: {what}"));
    let open = find_from(pdf, at, b'[').ok_or_else(|| bad("thiếu ["))?;
    let close = find_from(pdf, open, b']').ok_or_else(|| bad("thiếu ]"))?;
    let numbers: Vec<usize> =
        std::str::from_utf8(pdf.get(open + 1..close).ok_or_else(|| bad("["))?)
            .map_err(|_| bad("không phải số"))?
            .split_whitespace()
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|_| bad("không phải số"))?;
    let [a, b, c, d] = numbers[..] else {
        return Err(bad("cần 4 số"));
    };
    if a != 0 || b >= c || c.checked_add(d).is_none_or(|e| e > pdf.len()) {
        return Err(bad("ngoài tệp"));
    }
    // Anything after the covered ranges was added after the signature.
    if c + d != pdf.len() {
        return Err(Refusal::ChangedAfterSigning);
    }
    let gap = pdf.get(b..c).ok_or_else(|| bad("ngoài tệp"))?;
    let inner = match gap {
        [b'<', inner @ .., b'>'] => inner,
        _ => return Err(bad("/Contents không nằm giữa hai đoạn")),
    };
    let hex: Vec<u8> = inner
        .iter()
        .copied()
        .filter(|x| !x.is_ascii_whitespace())
        .collect();
    let bytes: Vec<u8> = hex
        .chunks(2)
        .map(|p| {
            std::str::from_utf8(p)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect::<Option<_>>()
        .ok_or_else(|| bad("/Contents không phải hex"))?;
    // The reserved room is padded with zeros after the DER value: keep the value only.
    let value = der::SliceReader::new(&bytes)
        .ok()
        .and_then(|mut r| {
            let h = der::Header::decode(&mut r).ok()?;
            let head = usize::try_from(der::Reader::position(&r)).ok()?;
            bytes.get(..head + usize::try_from(h.length).ok()?)
        })
        .ok_or_else(|| Refusal::Malformed("chữ ký trong /Contents".into()))?;
    let covered = without(pdf, b..c).ok_or_else(|| bad("ngoài tệp"))?;
    Ok(Some(Embedded {
        cms: value.to_vec(),
        covered,
    }))
}

/// Verifies the last signature of a PDF at `now`: it must cover the whole file.
pub fn verify_pdf(pdf: &[u8], trust: &TrustStore, now: DateTime<Utc>) -> Result<Verified, Refusal> {
    let found = last_signature(pdf)?.ok_or(Refusal::NotSigned)?;
    verify_detached(&found.cms, &found.covered, trust, now)
}
