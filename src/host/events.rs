//! Schannel and HTTP.sys events: `wevtutil qe … /f:text`, `/f:xml`, Event
//! Viewer copies and `Get-WinEvent | Format-List` (spec §2.9).
//!
//! Input: the lines of one recognised section. Output: [`Event`]s in the
//! [`Snapshot`], with the alert, error state, status and protocol filled from
//! the XML `EventData` names (language-neutral, preferred) or else from the
//! English message text of any Windows build (the wordings of the lsasrv.dll
//! and http.sys message tables from 2000 to 11: "fatal alert code is 40",
//! "fatal error code is 40", "The following fatal alert was generated: 40",
//! "error state is 1205", "cryptographic module is 0x8009030d", "An TLS 1.2
//! connection request").
//! Invariants: a record without a readable event id is reported and skipped;
//! a Schannel message whose wording is not recognised (localized) is kept,
//! with a [`Warning`] that its numbers were not read. XML is read by a small
//! scanner that tolerates both quote styles, several events per line,
//! `<Events>` wrappers and a cut-off end.
//! Not done here: judging the events (see `rules`); decoding HTTP.sys's
//! binary data (15021's status lives there; it is kept as `("Binary", hex)`).

use super::input::Line;
use super::{Event, Evidence, Snapshot, Src, Warning};

/// What an event's message text says, whatever the build's wording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFacts {
    /// TLS alert number (36887, 36888).
    pub alert: Option<u8>,
    /// Schannel's internal error state (36888 before 1607, 36870, 36871).
    pub error_state: Option<u32>,
    /// Error code (36870: the cryptographic module's; 36876/36877: the
    /// certificate validation's).
    pub status: Option<u32>,
    /// Protocol of a refused connection request (36874), or of a completed
    /// handshake (36880).
    pub protocol: Option<String>,
}

/// Reads the numbers out of an English Schannel message, any build's wording
/// (line breaks and repeated blanks do not matter).
pub fn message_facts(message: &str) -> MessageFacts {
    let msg = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut f = MessageFacts::default();
    // ≤ 2012: "The following fatal alert was received: %1." /
    // "… generated: %1."; 2012 … 2016: "fatal error code is %1"; 1709+:
    // "fatal alert code is %1".
    for marker in [
        "fatal alert code is ",
        "fatal error code is ",
        "fatal alert was received: ",
        "fatal alert was generated: ",
    ] {
        if let Some(n) = after(&msg, marker).and_then(leading_number) {
            f.alert = u8::try_from(n).ok();
            break;
        }
    }
    // "The internal error state is %2." / "The Windows SChannel error state
    // is %2."
    f.error_state = after(&msg, "error state is ").and_then(leading_number);
    for marker in ["cryptographic module is ", "The error code is "] {
        if let Some(code) = after(&msg, marker).and_then(code_token) {
            f.status = Some(code);
            break;
        }
    }
    f.protocol = request_protocol(&msg).or_else(|| {
        after(&msg, "Protocol version: ")
            .and_then(|rest| PROTOCOLS.iter().find(|p| rest.starts_with(*p)))
            .map(|p| (*p).to_string())
    });
    f
}

/// The endpoint (`0.0.0.0:443`, `www.contoso.com:443`) an HTTP.sys event
/// names: insertion string `%2` of the classic events (15005, 15021,
/// 15300–15302), or the text after "for endpoint", "for socket address",
/// "for Port :" or "underlying transport for" in any build's wording.
pub fn http_endpoint(ev: &Event) -> Option<String> {
    if let Some((_, v)) = ev.data.iter().find(|(k, _)| k == "%2") {
        let v = v.trim();
        if v.contains(':') {
            return Some(v.to_string());
        }
    }
    let lower = ev.message.to_ascii_lowercase();
    for marker in [
        "for endpoint",
        "for socket address",
        "for port",
        "underlying transport for",
    ] {
        let Some(i) = lower.find(marker) else {
            continue;
        };
        let rest = ev.message.get(i + marker.len()..)?.trim_start();
        let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        let token = rest.split_whitespace().next()?;
        let token = token.trim_end_matches(['.', ',', ';']);
        if token.contains(':') {
            return Some(token.to_string());
        }
    }
    None
}

/// Protocol names as Schannel prints them.
const PROTOCOLS: [&str; 8] = [
    "SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", "DTLS 1.0", "DTLS 1.2",
];

/// `An TLS 1.2 connection request` / `A SSL 3.0 connection request`.
fn request_protocol(msg: &str) -> Option<String> {
    PROTOCOLS
        .iter()
        .find(|p| msg.contains(&format!("{p} connection request")))
        .map(|p| (*p).to_string())
}

fn after<'a>(msg: &'a str, marker: &str) -> Option<&'a str> {
    let i = msg.find(marker)?;
    msg.get(i + marker.len()..)
}

/// The decimal number a text starts with.
fn leading_number(s: &str) -> Option<u32> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    s.get(..n)?.parse().ok()
}

/// An error code in a message: `0x8009030D` (or the same 8 hex digits
/// without `0x`, as 2008 builds print `0x%2`'s argument). A decimal number
/// is not taken: it could be either.
fn code_token(s: &str) -> Option<u32> {
    let tok = s.split_whitespace().next()?;
    let tok = tok.trim_end_matches(['.', ',', ';', ')']);
    let hex = match tok.get(..2) {
        Some("0x" | "0X") => &tok[2..],
        _ if tok.len() == 8 => tok,
        _ => return None,
    };
    if hex.is_empty() || hex.len() > 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// A code from named event data: `0x8009030d`, `-2146893043`, `2148074253`.
fn data_code(v: &str) -> Option<u32> {
    let v = v.trim();
    if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        return u32::from_str_radix(h, 16).ok();
    }
    if let Ok(n) = v.parse::<i32>() {
        // An HRESULT printed as a signed number.
        return Some(n as u32);
    }
    v.parse::<u32>().ok()
}

// ---------------------------------------------------------------------------
// Building an event

/// What a record said, before its fields are read.
#[derive(Default)]
struct Raw {
    provider: Option<String>,
    id: Option<String>,
    date: Option<String>,
    time: Option<String>,
    level: Option<String>,
    level_name: Option<String>,
    message: Vec<String>,
    data: Vec<(String, String)>,
}

impl Raw {
    fn message(&self) -> String {
        let mut lines: &[String] = &self.message;
        while lines.first().is_some_and(|l| l.is_empty()) {
            lines = &lines[1..];
        }
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines = &lines[..lines.len() - 1];
        }
        lines.join("\n")
    }
}

fn push_event(evidence: Evidence, raw: Raw, snap: &mut Snapshot) {
    let warn = |snap: &mut Snapshot, message: String| {
        snap.warnings.push(Warning {
            at: evidence.clone(),
            message,
        });
    };
    let Some(id_text) = raw.id.as_deref().map(str::trim) else {
        warn(
            snap,
            "event record without an Event ID (localized output?): skipped; export with \
             wevtutil /f:xml"
                .into(),
        );
        return;
    };
    let Some(id) = leading_number(id_text) else {
        warn(
            snap,
            format!("event id `{id_text}` is not a number: record skipped"),
        );
        return;
    };
    let provider = match raw.provider.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => p.to_string(),
        _ => {
            warn(
                snap,
                format!("event {id} without a source: provider unknown"),
            );
            String::new()
        }
    };
    let message = raw.message();
    let time = match (raw.date.as_deref(), raw.time.as_deref()) {
        (Some(d), Some(t)) => Some(format!("{} {}", d.trim(), t.trim())),
        (Some(d), None) => Some(d.trim().to_string()),
        (None, Some(t)) => Some(t.trim().to_string()),
        (None, None) => None,
    }
    .filter(|t| !t.is_empty());
    let level = raw
        .level_name
        .or(raw.level)
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty());

    let mut ev = Event {
        provider,
        id,
        time,
        level,
        message,
        data: raw.data,
        alert: None,
        error_state: None,
        status: None,
        protocol: None,
        evidence,
    };
    for (k, v) in &ev.data {
        let v = v.trim();
        match k.to_ascii_lowercase().as_str() {
            "alertdesc" | "alertdescription" => ev.alert = ev.alert.or(v.parse().ok()),
            // 36888/36871 `ErrorState`; 36870 `ErrorStatus` (its %3, "the
            // internal error state").
            "errorstate" | "errorstatus" => ev.error_state = ev.error_state.or(v.parse().ok()),
            "errorcode" | "status" | "statuscode" => ev.status = ev.status.or(data_code(v)),
            "protocol" | "protocolversion" if !v.is_empty() => {
                ev.protocol = ev.protocol.or(Some(v.to_string()));
            }
            _ => {}
        }
    }
    let facts = message_facts(&ev.message);
    ev.alert = ev.alert.or(facts.alert);
    ev.error_state = ev.error_state.or(facts.error_state);
    ev.status = ev.status.or(facts.status);
    ev.protocol = ev.protocol.or(facts.protocol);

    if ev.provider.eq_ignore_ascii_case("schannel") && !ev.message.is_empty() {
        // The field every build's message (or the event data) carries, and
        // the words that show the English wording.
        let (missing, marker, what) = match ev.id {
            36887 | 36888 => (ev.alert.is_none(), "fatal alert", "alert"),
            36870 => (ev.status.is_none(), "private key", "error code"),
            36874 => (ev.protocol.is_none(), "connection request", "protocol"),
            _ => (false, "", ""),
        };
        if missing && !ev.message.contains(marker) {
            snap.warnings.push(Warning {
                at: ev.evidence.clone(),
                message: format!(
                    "event {}: message wording not recognised (localized?): {what} not read; \
                     export with wevtutil /f:xml",
                    ev.id
                ),
            });
        }
    }
    snap.events.push(ev);
}

// ---------------------------------------------------------------------------
// wevtutil /f:text

/// Parses `wevtutil qe … /f:text`: `Event[n]:` records of `  Key: value`
/// lines, the message after `Description:` up to the next record.
pub fn parse_wevtutil_text(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut cur: Option<(Line<'_>, Raw, bool)> = None;
    let flush = |cur: Option<(Line<'_>, Raw, bool)>, snap: &mut Snapshot| {
        if let Some((first, raw, _)) = cur {
            push_event(src.at(first), raw, snap);
        }
    };
    for &line in lines {
        let t = line.text.trim();
        if t.starts_with("Event[") && t.ends_with("]:") {
            flush(cur.take(), snap);
            cur = Some((line, Raw::default(), false));
            continue;
        }
        let Some((_, raw, in_message)) = cur.as_mut() else {
            continue;
        };
        if *in_message {
            raw.message.push(t.to_string());
            continue;
        }
        let Some((key, value)) = t.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match key.trim() {
            "Source" => raw.provider = Some(value),
            "Event ID" => raw.id = Some(value),
            "Date" => raw.date = Some(value),
            "Level" => raw.level = Some(value),
            "Description" => {
                *in_message = true;
                if !value.is_empty() {
                    raw.message.push(value);
                }
            }
            _ => {}
        }
    }
    flush(cur, snap);
}

// ---------------------------------------------------------------------------
// Event Viewer copies and Get-WinEvent | Format-List

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Provider,
    Id,
    Date,
    Time,
    Level,
    LevelName,
    Message,
    Xml,
    Other,
}

/// Labels of Event Viewer's "Copy details as text" (current and 2003-era
/// layouts) and of `Get-WinEvent | Format-List`.
fn viewer_field(label: &str) -> Option<Field> {
    Some(match label.to_ascii_lowercase().as_str() {
        "source" | "event source" | "providername" => Field::Provider,
        "event id" | "id" => Field::Id,
        "date" | "timecreated" => Field::Date,
        "time" => Field::Time,
        "level" | "event type" => Field::Level,
        "leveldisplayname" => Field::LevelName,
        "description" | "message" => Field::Message,
        "event xml" => Field::Xml,
        "log name"
        | "logname"
        | "task category"
        | "task"
        | "event category"
        | "keywords"
        | "keyword"
        | "user"
        | "user name"
        | "userid"
        | "computer"
        | "machinename"
        | "opcode"
        | "recordid"
        | "version"
        | "qualifiers"
        | "providerid"
        | "processid"
        | "threadid"
        | "activityid"
        | "relatedactivityid"
        | "containerlog"
        | "matchedqueryids"
        | "bookmark"
        | "opcodedisplayname"
        | "taskdisplayname"
        | "keywordsdisplaynames"
        | "properties" => Field::Other,
        _ => return None,
    })
}

#[derive(PartialEq, Eq)]
enum State {
    Header,
    Message,
    Xml,
}

struct Draft<'a> {
    first: Line<'a>,
    raw: Raw,
    seen: Vec<String>,
    state: State,
    xml: String,
}

/// Parses Event Viewer "Copy details as text" (`Log Name:` … `Event ID:` …
/// `Description:` + text, optionally `Event Xml:` + XML; or the 2003-era
/// `Event Type:` / `Event Source:` layout, whose text may follow `Computer:`
/// without a `Description:` label), several pasted one after another, and
/// `Get-WinEvent | Format-List` (`TimeCreated : …`, `ProviderName : …`,
/// `Id : …`, `Message : …` with indented continuation lines).
pub fn parse_viewer_text(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut cur: Option<Draft<'_>> = None;
    let before = snap.events.len();
    for &line in lines {
        let text = line.text;
        let t = text.trim();
        let col0 = !text.starts_with([' ', '\t']);
        let state = cur.as_ref().map(|d| &d.state);
        // XML cut short still gives way to the next copy's first label.
        let next_copy = t.starts_with("Log Name:") || t.starts_with("Event Type:");
        if state == Some(&State::Xml) && !next_copy {
            if let Some(d) = cur.as_mut() {
                d.xml.push_str(text);
                d.xml.push('\n');
                if t.ends_with("</Event>") {
                    d.state = State::Header;
                }
            }
            continue;
        }
        let labelled = t.split_once(':').and_then(|(l, v)| {
            let label = l.trim();
            viewer_field(label).map(|f| (label.to_ascii_lowercase(), f, v.trim()))
        });
        let in_message = state == Some(&State::Message);
        match labelled {
            Some((label, field, value)) if col0 || !in_message => {
                if cur.as_ref().is_some_and(|d| d.seen.contains(&label)) {
                    finish_draft(src, cur.take(), snap);
                }
                let d = cur.get_or_insert_with(|| Draft {
                    first: line,
                    raw: Raw::default(),
                    seen: Vec::new(),
                    state: State::Header,
                    xml: String::new(),
                });
                d.seen.push(label);
                d.state = State::Header;
                let v = Some(value.to_string());
                match field {
                    Field::Provider => d.raw.provider = v,
                    Field::Id => d.raw.id = v,
                    Field::Date => d.raw.date = v,
                    Field::Time => d.raw.time = v,
                    Field::Level => d.raw.level = v,
                    Field::LevelName => d.raw.level_name = v,
                    Field::Message => {
                        d.state = State::Message;
                        if !value.is_empty() {
                            d.raw.message.push(value.to_string());
                        }
                    }
                    Field::Xml => d.state = State::Xml,
                    Field::Other => {}
                }
            }
            _ => {
                let Some(d) = cur.as_mut() else {
                    continue;
                };
                if in_message {
                    // A Format-List property of its own (`Version   : 0`)
                    // ends a message; prose does not.
                    if col0 && format_list_label(text) {
                        d.state = State::Header;
                    } else {
                        d.raw.message.push(t.to_string());
                    }
                } else if !t.is_empty() && d.raw.id.is_some() && !format_list_label(text) {
                    // 2003-era layout: the text follows `Computer:` directly.
                    d.state = State::Message;
                    d.raw.message.push(t.to_string());
                }
            }
        }
    }
    finish_draft(src, cur, snap);
    if snap.events.len() == before && lines.iter().any(|l| !l.text.trim().is_empty()) {
        snap.warnings.push(Warning {
            at: src.at(lines.first().copied().unwrap_or_default()),
            message: "no event read from this Event Viewer text (localized labels?); export \
                      with wevtutil /f:xml"
                .into(),
        });
    }
}

/// `Name   : value` with the padding Format-List puts before the colon.
fn format_list_label(text: &str) -> bool {
    let Some((label, _)) = text.split_once(':') else {
        return false;
    };
    label.ends_with(' ')
        && !label.trim().is_empty()
        && label.trim().bytes().all(|b| b.is_ascii_alphanumeric())
}

fn finish_draft(src: &Src<'_>, d: Option<Draft<'_>>, snap: &mut Snapshot) {
    let Some(mut d) = d else {
        return;
    };
    if !d.xml.is_empty() {
        // The copy's own XML: its event data, and what the labels lacked.
        let (events, _) = scan(&d.xml);
        if let Some(x) = events.into_iter().next() {
            d.raw.data = x.raw.data;
            d.raw.provider = d.raw.provider.or(x.raw.provider);
            d.raw.id = d.raw.id.or(x.raw.id);
        }
    }
    push_event(src.at(d.first), d.raw, snap);
}

// ---------------------------------------------------------------------------
// XML

/// Parses event XML (`wevtutil /f:xml`, a saved XML view, Event Viewer's XML
/// tab): every `<Event>` element, wherever it is, however many per line.
/// Unnamed `<Data>` (classic providers such as HTTP) are named `%1`, `%2` …
/// after the message's insertion strings; `<Binary>` is kept as
/// `("Binary", hex)`; `UserData` leaves by element name.
pub fn parse_xml(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let text = lines.iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
    let mut starts = Vec::with_capacity(lines.len());
    let mut off = 0;
    for l in lines {
        starts.push(off);
        off += l.text.len() + 1;
    }
    let evidence = |at: usize| -> Evidence {
        let idx = starts.partition_point(|&s| s <= at).saturating_sub(1);
        let line = lines.get(idx).copied().unwrap_or_default();
        let col = at.saturating_sub(starts.get(idx).copied().unwrap_or(0));
        // A whole file can be one line: keep the event's own start only.
        let tail = line.text.get(col..).unwrap_or(line.text);
        let text: String = tail.chars().take(200).collect();
        Evidence {
            file: src.file.to_string(),
            line: line.no,
            text: text.trim().to_string(),
        }
    };
    let (events, cut) = scan(&text);
    if events.is_empty() && !text.trim().is_empty() {
        snap.warnings.push(Warning {
            at: evidence(0),
            message: "no <Event> element found in this XML".into(),
        });
    }
    for x in events {
        let at = evidence(x.start);
        if !x.complete {
            snap.warnings.push(Warning {
                at: at.clone(),
                message: "event XML cut short: read what it holds".into(),
            });
        }
        push_event(at, x.raw, snap);
    }
    if let Some(at) = cut {
        snap.warnings.push(Warning {
            at: evidence(at),
            message: "XML ends inside a tag".into(),
        });
    }
}

/// One `<Event>` read from XML.
struct XmlEvent {
    /// Byte offset of `<Event`.
    start: usize,
    raw: Raw,
    /// `</Event>` was seen.
    complete: bool,
    /// Data elements so far (to name unnamed ones `%n`).
    data_n: usize,
}

struct Frame {
    name: String,
    name_attr: Option<String>,
    text: String,
    child: bool,
}

/// Every event of an XML text, and the offset of a tag cut off by the end of
/// the text, if any.
fn scan(text: &str) -> (Vec<XmlEvent>, Option<usize>) {
    let mut out = Vec::new();
    let mut cur: Option<XmlEvent> = None;
    let mut stack: Vec<Frame> = Vec::new();
    let mut cut = None;
    let mut i = 0;
    while i < text.len() {
        let Some(rel) = text.get(i..).and_then(|s| s.find('<')) else {
            if let Some(top) = stack.last_mut() {
                top.text.push_str(&unescape(&text[i..]));
            }
            break;
        };
        let lt = i + rel;
        if lt > i
            && let Some(top) = stack.last_mut()
        {
            top.text.push_str(&unescape(&text[i..lt]));
        }
        let rest = &text[lt..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(text.len(), |e| lt + e + 3);
            continue;
        }
        if let Some(body) = rest.strip_prefix("<![CDATA[") {
            match body.find("]]>") {
                Some(e) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&body[..e]);
                    }
                    i = lt + 9 + e + 3;
                }
                None => {
                    cut = Some(lt);
                    break;
                }
            }
            continue;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            i = rest.find('>').map_or(text.len(), |e| lt + e + 1);
            continue;
        }
        let mut quote: Option<u8> = None;
        let mut end = None;
        for (j, &c) in rest.as_bytes().iter().enumerate().skip(1) {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'"' || c == b'\'' => quote = Some(c),
                None if c == b'>' => {
                    end = Some(j);
                    break;
                }
                None => {}
            }
        }
        let Some(end) = end else {
            cut = Some(lt);
            break;
        };
        i = lt + end + 1;
        let inner = &rest[1..end];
        if let Some(name) = inner.strip_prefix('/') {
            end_tag(local(name.trim()), &mut cur, &mut stack, &mut out);
            continue;
        }
        let empty = inner.ends_with('/');
        let inner = inner.strip_suffix('/').unwrap_or(inner);
        let (name, attrs) = match inner.find(char::is_whitespace) {
            Some(k) => (&inner[..k], &inner[k..]),
            None => (inner, ""),
        };
        let name = local(name);
        if name == "Event" {
            if let Some(ev) = cur.take() {
                out.push(ev);
            }
            stack.clear();
            let ev = XmlEvent {
                start: lt,
                raw: Raw::default(),
                complete: empty,
                data_n: 0,
            };
            if empty {
                out.push(ev);
            } else {
                cur = Some(ev);
                stack.push(Frame {
                    name: name.to_string(),
                    name_attr: None,
                    text: String::new(),
                    child: false,
                });
            }
            continue;
        }
        let Some(ev) = cur.as_mut() else {
            continue;
        };
        let parent = stack.last().map(|f| f.name.clone());
        if let Some(top) = stack.last_mut() {
            top.child = true;
        }
        match name {
            "Provider" => {
                ev.raw.provider = attr(attrs, "Name").or_else(|| attr(attrs, "EventSourceName"));
            }
            "TimeCreated" => ev.raw.time = attr(attrs, "SystemTime"),
            "Data" if empty && parent.as_deref() == Some("EventData") => {
                ev.data_n += 1;
                let key = attr(attrs, "Name").unwrap_or_else(|| format!("%{}", ev.data_n));
                ev.raw.data.push((key, String::new()));
            }
            _ => {}
        }
        if !empty {
            stack.push(Frame {
                name: name.to_string(),
                name_attr: attr(attrs, "Name"),
                text: String::new(),
                child: false,
            });
        }
    }
    if let Some(ev) = cur {
        out.push(ev);
    }
    (out, cut)
}

fn end_tag(
    name: &str,
    cur: &mut Option<XmlEvent>,
    stack: &mut Vec<Frame>,
    out: &mut Vec<XmlEvent>,
) {
    let Some(ev) = cur.as_mut() else {
        return;
    };
    if name == "Event" {
        ev.complete = true;
        if let Some(ev) = cur.take() {
            out.push(ev);
        }
        stack.clear();
        return;
    }
    // Tolerate a missing end tag: close up to the matching element.
    let Some(pos) = stack.iter().rposition(|f| f.name == name) else {
        return;
    };
    let frame = stack.swap_remove(pos);
    stack.truncate(pos);
    let parent = stack.last().map(|f| f.name.as_str());
    let value = frame.text.trim().to_string();
    match (name, parent) {
        ("EventID", Some("System")) => ev.raw.id = Some(value),
        ("Level", Some("System")) => ev.raw.level = Some(value),
        ("Level", Some("RenderingInfo")) => ev.raw.level_name = Some(value),
        ("Message", Some("RenderingInfo")) => {
            ev.raw.message = value.lines().map(|l| l.trim().to_string()).collect();
        }
        ("Data", Some("EventData")) => {
            ev.data_n += 1;
            let key = frame.name_attr.unwrap_or_else(|| format!("%{}", ev.data_n));
            ev.raw.data.push((key, value));
        }
        ("Binary", Some("EventData")) => ev.raw.data.push(("Binary".into(), value)),
        _ if !frame.child && stack.iter().any(|f| f.name == "UserData") && name != "UserData" => {
            ev.raw.data.push((name.to_string(), value));
        }
        _ => {}
    }
}

/// `e:Event` → `Event`.
fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The value of attribute `name` (either quote style), unescaped.
fn attr(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start();
        let eq = rest.find('=')?;
        let key = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let q = after.chars().next()?;
        if q != '"' && q != '\'' {
            return None;
        }
        let body = &after[1..];
        let close = body.find(q)?;
        if local(key) == name {
            return Some(unescape(&body[..close]));
        }
        rest = &body[close + 1..];
    }
}

/// XML's five entities and numeric character references.
pub(super) fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail.find(';').filter(|&k| k <= 10) else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .or_else(|| ent.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| ent.strip_prefix('#').map(str::parse::<u32>))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input::lines;

    const SRC: Src<'static> = Src { file: "ev.txt" };

    fn text(t: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_wevtutil_text(&SRC, &lines(t), &mut s);
        s
    }

    fn viewer(t: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_viewer_text(&SRC, &lines(t), &mut s);
        s
    }

    fn xml(t: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_xml(&SRC, &lines(t), &mut s);
        s
    }

    const WEVTUTIL: &str = "\
Event[0]:
  Log Name: System
  Source: Schannel
  Date: 2024-03-02T09:05:11.250
  Event ID: 36888
  Task: N/A
  Level: Error
  Opcode: Info
  Keyword: N/A
  User: S-1-5-18
  User Name: NT AUTHORITY\\SYSTEM
  Computer: web01.fabrikam.test
  Description:
A fatal alert was generated and sent to the remote endpoint. This may result in termination of the connection. The TLS protocol defined fatal error code is 70. The Windows SChannel error state is 105.

Event[1]:
  Log Name: System
  Source: Schannel
  Date: 2024-03-02T09:06:00
  Event ID: 36874
  Task: N/A
  Level: Error
  Description: An TLS 1.0 connection request was received from a remote client application, but none of the cipher suites supported by the client application are supported by the server. The TLS connection request has failed.
";

    #[test]
    fn wevtutil_text_two_events_read_with_facts() {
        let s = text(WEVTUTIL);
        assert_eq!(s.events.len(), 2, "{:?}", s.warnings);
        let e = &s.events[0];
        assert_eq!(e.provider, "Schannel");
        assert_eq!(e.id, 36888);
        assert_eq!(e.time.as_deref(), Some("2024-03-02T09:05:11.250"));
        assert_eq!(e.level.as_deref(), Some("Error"));
        assert_eq!((e.alert, e.error_state), (Some(70), Some(105)));
        assert!(e.message.starts_with("A fatal alert was generated"));
        assert_eq!(e.evidence.line, 1);
        let e = &s.events[1];
        assert_eq!(e.protocol.as_deref(), Some("TLS 1.0"));
        assert_eq!(e.evidence.line, 16);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn wevtutil_text_multiline_message_with_state_on_next_line() {
        let s = text(
            "Event[0]:\n  Source: Schannel\n  Event ID: 36870\n  Description:\n\
             A fatal error occurred when attempting to access the TLS server credential private key.\n\
             The error code returned from the cryptographic module is 0x8009030D.\n\
             The internal error state is\n10001.\n",
        );
        let e = &s.events[0];
        assert_eq!(e.status, Some(0x8009_030d));
        assert_eq!(e.error_state, Some(10001));
    }

    #[test]
    fn wevtutil_text_without_event_id_warns_and_skips() {
        let s =
            text("Event[0]:\n  Protokollname: System\n  Quelle: Schannel\n  Ereignis-ID: 36888\n");
        assert!(s.events.is_empty());
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].message.contains("Event ID"));
    }

    #[test]
    fn wevtutil_text_localized_message_warns_but_keeps_event() {
        let s = text(
            "Event[0]:\n  Source: Schannel\n  Event ID: 36887\n  Description:\n\
             Vom Remoteendpunkt wurde eine schwerwiegende Warnung empfangen: 46.\n",
        );
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.events[0].alert, None);
        assert!(s.warnings[0].message.contains("not recognised"));
    }

    #[test]
    fn wevtutil_text_bad_record_does_not_stop_the_next() {
        let s = text(
            "Event[0]:\n  Source: Schannel\n  Event ID: abc\nEvent[1]:\n  Source: Schannel\n  Event ID: 36887\n  \
             Description: A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 48.\n",
        );
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.events[0].alert, Some(48));
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn message_facts_oldest_wordings() {
        let f = message_facts(
            "The following fatal alert was generated: 40. The internal error state is 1205.",
        );
        assert_eq!((f.alert, f.error_state), (Some(40), Some(1205)));
        let f = message_facts("The following fatal alert was received: 46.");
        assert_eq!(f.alert, Some(46));
    }

    #[test]
    fn message_facts_newest_36888_has_alert_only() {
        let f = message_facts(
            "A fatal alert was generated and sent to the remote endpoint. This may result in termination of the connection. \
             The TLS protocol defined fatal alert code is 40.\n\n   Target name: shop.fabrikam.test\n\nThe TLS alert registry can be found at http://example",
        );
        assert_eq!(
            f,
            MessageFacts {
                alert: Some(40),
                ..Default::default()
            }
        );
    }

    #[test]
    fn message_facts_2008_code_without_prefix_is_hex() {
        let f =
            message_facts("The error code returned from the cryptographic module is 0x8009001a.");
        assert_eq!(f.status, Some(0x8009_001a));
        let f = message_facts("The error code returned from the cryptographic module is 80090016.");
        assert_eq!(f.status, Some(0x8009_0016));
        let f = message_facts("The error code returned from the cryptographic module is 12345.");
        assert_eq!(f.status, None);
    }

    #[test]
    fn message_facts_ssl3_request_protocol() {
        let f = message_facts(
            "An SSL 3.0 connection request was received from a remote client application",
        );
        assert_eq!(f.protocol.as_deref(), Some("SSL 3.0"));
        assert_eq!(
            message_facts("An SSL connection request was received").protocol,
            None
        );
    }

    #[test]
    fn message_facts_non_ascii_text_does_not_panic() {
        let f =
            message_facts("ü fatal alert code is é. error state is ∞ cryptographic module is 0xé");
        assert_eq!(f, MessageFacts::default());
    }

    const VIEWER: &str = "\
Log Name:      System
Source:        Schannel
Date:          3/2/2024 9:05:11 AM
Event ID:      36887
Task Category: None
Level:         Error
Keywords:
User:          SYSTEM
Computer:      web01.fabrikam.test
Description:
A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 46.
Event Xml:
<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">
  <System>
    <Provider Name=\"Schannel\" Guid=\"{1f678132-5938-4686-9fdc-c8ff68f15c85}\" />
    <EventID>36887</EventID>
  </System>
  <EventData>
    <Data Name=\"AlertDesc\">46</Data>
  </EventData>
</Event>
Log Name:      System
Source:        Microsoft-Windows-HttpEvent
Date:          3/2/2024 9:07:00 AM
Event ID:      15021
Level:         Error
Description:
An error occurred while using SSL configuration for endpoint 0.0.0.0:443.  The error status code is contained within the returned data.
";

    #[test]
    fn viewer_copy_with_event_xml_reads_data_and_next_event() {
        let s = viewer(VIEWER);
        assert_eq!(s.events.len(), 2, "{:?}", s.warnings);
        let e = &s.events[0];
        assert_eq!(
            (e.provider.as_str(), e.id, e.alert),
            ("Schannel", 36887, Some(46))
        );
        assert_eq!(e.data, vec![("AlertDesc".to_string(), "46".to_string())]);
        assert_eq!(e.time.as_deref(), Some("3/2/2024 9:05:11 AM"));
        assert!(!e.message.contains("Event Xml"));
        let h = &s.events[1];
        assert_eq!(
            (h.provider.as_str(), h.id),
            ("Microsoft-Windows-HttpEvent", 15021)
        );
        assert_eq!(h.evidence.line, 22);
        assert_eq!(http_endpoint(h).as_deref(), Some("0.0.0.0:443"));
    }

    #[test]
    fn viewer_cut_event_xml_does_not_swallow_the_next_copy() {
        let s = viewer(
            "Log Name: System\nSource: Schannel\nEvent ID: 36887\nDescription:\nx\nEvent Xml:\n\
             <Event xmlns=\"e\"><System><EventID>36887</EventID></System><EventData><Data Name=\"AlertDesc\">4\n\
             Log Name: System\nSource: Schannel\nEvent ID: 36888\nDescription:\ny\n",
        );
        let ids: Vec<_> = s.events.iter().map(|e| e.id).collect();
        assert_eq!(ids, vec![36887, 36888]);
    }

    #[test]
    fn viewer_classic_layout_without_description_label() {
        let s = viewer(
            "Event Type: Error\nEvent Source: Schannel\nEvent Category: None\nEvent ID: 36870\n\
             Date: 3/2/2024\nTime: 9:05:11 AM\nUser: N/A\nComputer:\n\
             A fatal error occurred when attempting to access the SSL server credential private key. \
             The error code returned from the cryptographic module is 0x80090016.\n",
        );
        let e = &s.events[0];
        assert_eq!(e.id, 36870);
        assert_eq!(e.status, Some(0x8009_0016));
        assert_eq!(e.level.as_deref(), Some("Error"));
        assert_eq!(e.time.as_deref(), Some("3/2/2024 9:05:11 AM"));
    }

    #[test]
    fn viewer_get_winevent_format_list() {
        let s = viewer(
            "TimeCreated  : 3/2/2024 9:05:11 AM\nProviderName : Schannel\nId           : 36888\n\
             Message      : A fatal alert was generated and sent to the remote endpoint. This may result\n\
             \x20              in termination of the connection. The TLS protocol defined fatal alert code\n\
             \x20              is 70.\n\n\
             TimeCreated  : 3/2/2024 9:06:11 AM\nProviderName : Schannel\nId           : 36887\n\
             Message      : A fatal alert was received from the remote endpoint. The TLS protocol defined fatal alert code is 42.\n",
        );
        assert_eq!(s.events.len(), 2, "{:?}", s.warnings);
        assert_eq!(s.events[0].alert, Some(70));
        assert_eq!(s.events[1].alert, Some(42));
    }

    #[test]
    fn viewer_localized_labels_warn() {
        let s = viewer("Protokollname: System\nQuelle:        Schannel\nEreignis-ID:   36888\n");
        assert!(s.events.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    const XML: &str = "<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Schannel' Guid='{1f678132-5938-4686-9fdc-c8ff68f15c85}'/><EventID>36888</EventID><Level>2</Level><TimeCreated SystemTime='2024-03-02T09:05:11.2500000Z'/></System><EventData><Data Name='AlertDesc'>40</Data><Data Name='ErrorState'>1205</Data></EventData></Event><Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System><Provider Name=\"Schannel\"/><EventID>36870</EventID></System><EventData><Data Name=\"Type\">server</Data><Data Name=\"ErrorCode\">0x8009030d</Data><Data Name=\"ErrorStatus\">10001</Data></EventData></Event></Events>";

    #[test]
    fn xml_two_events_on_one_line_read_data() {
        let s = xml(XML);
        assert_eq!(s.events.len(), 2, "{:?}", s.warnings);
        let e = &s.events[0];
        assert_eq!(
            (e.id, e.alert, e.error_state),
            (36888, Some(40), Some(1205))
        );
        assert_eq!(e.time.as_deref(), Some("2024-03-02T09:05:11.2500000Z"));
        assert_eq!(e.level.as_deref(), Some("2"));
        assert!(e.evidence.text.starts_with("<Event xmlns='"));
        assert!(e.evidence.text.chars().count() <= 200);
        let e = &s.events[1];
        assert_eq!(
            (e.id, e.status, e.error_state),
            (36870, Some(0x8009_030d), Some(10001))
        );
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn xml_rendering_info_message_and_level() {
        let s = xml(
            "<Event xmlns='x'>\n<System><Provider Name='Schannel'/><EventID>36874</EventID><Level>2</Level></System>\n\
             <EventData><Data Name='Protocol'>TLS 1.1</Data></EventData>\n\
             <RenderingInfo Culture='en-US'><Message>An TLS 1.1 connection request was received &amp; refused.</Message><Level>Error</Level></RenderingInfo>\n</Event>",
        );
        let e = &s.events[0];
        assert_eq!(e.protocol.as_deref(), Some("TLS 1.1"));
        assert_eq!(e.level.as_deref(), Some("Error"));
        assert_eq!(
            e.message,
            "An TLS 1.1 connection request was received & refused."
        );
    }

    #[test]
    fn xml_classic_unnamed_data_and_binary() {
        let s = xml(
            "<Event xmlns='x'><System><Provider Name='HTTP' EventSourceName='HTTP'/><EventID Qualifiers='49152'>15021</EventID></System>\
             <EventData><Data>\\Device\\Http\\ReqQueue</Data><Data>0.0.0.0:443</Data><Binary>0000040002</Binary></EventData></Event>",
        );
        let e = &s.events[0];
        assert_eq!(e.id, 15021);
        assert_eq!(
            e.data,
            vec![
                ("%1".to_string(), "\\Device\\Http\\ReqQueue".to_string()),
                ("%2".to_string(), "0.0.0.0:443".to_string()),
                ("Binary".to_string(), "0000040002".to_string())
            ]
        );
        assert_eq!(http_endpoint(e).as_deref(), Some("0.0.0.0:443"));
    }

    #[test]
    fn xml_cut_short_keeps_event_and_warns() {
        let s = xml(
            "<Event xmlns='x'><System><Provider Name='Schannel'/><EventID>36887</EventID></System><EventData><Data Name='AlertDesc'>48</Da",
        );
        assert_eq!(s.events.len(), 1);
        assert_eq!(s.events[0].id, 36887);
        assert!(s.warnings.iter().any(|w| w.message.contains("cut short")));
    }

    #[test]
    fn xml_comments_cdata_and_entities() {
        let s = xml(
            "<?xml version='1.0'?><!-- saved view --><Event><System><Provider Name='Sch&#97;nnel'/><EventID><![CDATA[36887]]></EventID></System>\
             <EventData><Data Name='AlertDesc'>&#x32;0</Data></EventData></Event>",
        );
        let e = &s.events[0];
        assert_eq!(
            (e.provider.as_str(), e.id, e.alert),
            ("Schannel", 36887, Some(20))
        );
    }

    #[test]
    fn xml_user_data_leaves_are_kept() {
        let s = xml(
            "<Event><System><Provider Name='Microsoft-Windows-HttpEvent'/><EventID>15300</EventID></System>\
             <UserData><EventXML xmlns='y'><EndpointName>www.fabrikam.test:443</EndpointName></EventXML></UserData></Event>",
        );
        assert_eq!(
            s.events[0].data,
            vec![(
                "EndpointName".to_string(),
                "www.fabrikam.test:443".to_string()
            )]
        );
    }

    #[test]
    fn xml_garbage_does_not_panic() {
        for t in [
            "<",
            "<Event",
            "<Event xmlns='ü>",
            "<Event><EventID>ü</EventID></Event>",
            "&&&;<>",
            "<Event/>",
        ] {
            let _ = xml(t);
        }
        let s = xml("<Event><EventID>ü</EventID></Event>");
        assert!(s.events.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn http_endpoint_old_port_wording() {
        let ev = Event {
            provider: "HTTP".into(),
            id: 15300,
            time: None,
            level: None,
            message: "SSL Certificate Settings deleted for Port : 10.1.2.3:443 .".into(),
            data: Vec::new(),
            alert: None,
            error_state: None,
            status: None,
            protocol: None,
            evidence: Evidence {
                file: String::new(),
                line: 1,
                text: String::new(),
            },
        };
        assert_eq!(http_endpoint(&ev).as_deref(), Some("10.1.2.3:443"));
    }

    #[test]
    fn data_code_signed_and_hex() {
        assert_eq!(data_code("-2146893043"), Some(0x8009_030d));
        assert_eq!(data_code("0x8009030D"), Some(0x8009_030d));
        assert_eq!(data_code("2148074253"), Some(0x8009_030d));
        assert_eq!(data_code("zz"), None);
    }
}
