//! A secret for the Platform API: [`Credential`] (a bearer token, or an
//! OAuth client's secret). Shared by `live` and `client`.

/// A secret: a caller's bearer token, for the live side's user loader to
/// call the Platform API with (`users/me`, `subjects/me`) when the caller is
/// not cached, or for the Platform API client's reads made with the
/// caller's own token (`permgate::client`); and an OAuth client's secret.
///
/// Its `Debug` and `Display` print `Credential(..)`, it has no `Serialize`,
/// its bytes are overwritten with zeros when it is dropped (each clone's
/// own, and the `String` it was made from), and the live side's user
/// cache never keeps it (the cache key is the
/// service's own key, never the token). Read it with [`expose`](Self::expose)
/// only to send it to the Platform API. It is `permgate::live::Credential`
/// (feature `live`) and `permgate::client::Credential` (feature `client`),
/// one type.
///
/// ```
/// # #[cfg(feature = "live")]
/// # {
/// use permgate::live::Credential;
///
/// let credential = Credential::new(String::from("a-bearer-token"));
/// assert_eq!(format!("{credential:?} {credential}"), "Credential(..) Credential(..)");
/// assert_eq!(credential.expose(), "a-bearer-token"); // for the Authorization header only
/// # }
/// ```
#[derive(Clone)]
pub struct Credential(Box<str>);

impl Credential {
    /// The credential holding bearer token `token` (without the `Bearer `
    /// prefix).
    pub fn new(mut token: String) -> Self {
        // A copy of exactly its length: `into_boxed_str` could move it into
        // a shorter allocation and free the old one with the token in it.
        let kept = Self(Box::from(token.as_str()));
        wipe(&mut token);
        kept
    }

    /// The bearer token: send it to the Platform API
    /// (`Authorization: Bearer <token>`), **never log it**, print it, put it
    /// in an error, or use it as a cache key.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Overwrites `secret`'s bytes with zeros, in a way the compiler does not
/// remove (`zeroize`).
fn wipe(secret: &mut str) {
    zeroize::Zeroize::zeroize(secret);
}

impl Drop for Credential {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl From<String> for Credential {
    fn from(token: String) -> Self {
        Self::new(token)
    }
}

/// Compares every byte of two tokens of one length, whatever the first
/// difference, so the time taken does not tell where they differ.
impl PartialEq for Credential {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
    }
}

impl Eq for Credential {}

impl core::fmt::Debug for Credential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Credential(..)")
    }
}

impl core::fmt::Display for Credential {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Credential(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wiped_secret_is_zeros_of_its_length() {
        let mut secret = String::from("a-bearer-token");
        wipe(&mut secret);
        assert_eq!(secret, "\0".repeat(14));
        // What a credential reads is a copy: the token it was made from
        // is not it.
        let credential = Credential::new(String::from("another-token"));
        assert_eq!(credential.expose(), "another-token");
        assert_eq!(credential.clone(), credential);
    }
}
