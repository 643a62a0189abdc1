//! TLS wire values as open newtypes with IANA names.
//!
//! Unknown and GREASE values survive parsing and print as `0x1a2b`.

use std::fmt;

/// GREASE values (RFC 8701 §2): both bytes equal, low nibble 0xA.
pub fn is_grease(v: u16) -> bool {
    (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

macro_rules! newtype_u16 {
    ($(#[$m:meta])* $name:ident, $names:path) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
        pub struct $name(pub u16);
        impl $name {
            /// The IANA name, if known.
            pub fn name(self) -> Option<&'static str> {
                $names(self.0)
            }
            /// A GREASE value (RFC 8701).
            pub fn is_grease(self) -> bool {
                is_grease(self.0)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "0x{:04x}", self.0),
                }
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

newtype_u16!(
    /// A protocol version (`0x0303` = TLS 1.2).
    Version,
    version_name
);
newtype_u16!(
    /// A cipher suite.
    CipherSuite,
    cipher_suite_name
);
newtype_u16!(
    /// A named group (supported_groups, key_share).
    NamedGroup,
    group_name
);
newtype_u16!(
    /// A signature scheme.
    SignatureScheme,
    signature_scheme_name
);
newtype_u16!(
    /// An extension type.
    ExtensionType,
    extension_name
);

/// An alert description (RFC 8446 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    /// The IANA name, if known.
    pub fn name(self) -> Option<&'static str> {
        alert_name(self.0)
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "alert {}", self.0),
        }
    }
}

fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0002 => "SSL 2.0",
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => return None,
    })
}

fn cipher_suite_name(_v: u16) -> Option<&'static str> {
    unimplemented!("tls helper")
}
fn group_name(_v: u16) -> Option<&'static str> {
    unimplemented!("tls helper")
}
fn signature_scheme_name(_v: u16) -> Option<&'static str> {
    unimplemented!("tls helper")
}
fn extension_name(_v: u16) -> Option<&'static str> {
    unimplemented!("tls helper")
}
fn alert_name(_v: u8) -> Option<&'static str> {
    unimplemented!("tls helper")
}
