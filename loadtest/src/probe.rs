//! The probe text a publisher sends and subscribers time: `LT1:{step}:{sent_micros}:` and padding.
//!
//! Both servers carry the text verbatim inside a JSON string (it holds no character JSON
//! escapes), so a subscriber finds it in the raw frame without parsing the JSON around it: the
//! client must stay cheap, since it shares the machine with the server it measures.

const MARKER: &str = "LT1:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub step: u32,
    pub sent_micros: u64,
}

impl Probe {
    /// The probe text, padded with letters to at least `len` bytes.
    pub fn text(&self, len: usize) -> String {
        let mut text = format!("{MARKER}{}:{}:", self.step, self.sent_micros);
        while text.len() < len {
            text.push(char::from(b'a' + (text.len() % 26) as u8));
        }
        text
    }

    /// The first probe in `frame`, if any.
    pub fn find(frame: &str) -> Option<Self> {
        let at = frame.find(MARKER)?;
        let mut fields = frame[at + MARKER.len()..].splitn(3, ':');
        let step = fields.next()?.parse().ok()?;
        let sent_micros = fields.next()?.parse().ok()?;
        fields.next()?;
        Some(Self { step, sent_micros })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_inside_either_servers_frame() {
        let probe = Probe { step: 3, sent_micros: 12_345_678 };
        let text = probe.text(40);
        assert_eq!(text.len(), 40);
        let mingle = format!(r#"{{"type":"message","channel":"event:x:chat","offset":7,"body":{{"text":"{text}"}}}}"#);
        let socketio = format!(r#"42["message","{text}"]"#);
        assert_eq!(Probe::find(&mingle), Some(probe));
        assert_eq!(Probe::find(&socketio), Some(probe));
        assert_eq!(Probe::find(r#"{"type":"reply","id":"p1","ok":true}"#), None);
        assert_eq!(Probe::find("LT1:x:1:"), None);
        assert_eq!(Probe::find("LT1:1:2"), None, "a cut-off probe is not one");
    }
}
