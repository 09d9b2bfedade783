//! Text helpers both platforms' renderers share.

/// `~` and 16 hex digits of a hash: what [`shortened`] appends.
const DIGEST_LEN: usize = 17;

/// `text` within `max` characters, still telling texts apart: as it is if it fits, else its
/// first `max - 17` characters, `~`, and 16 hex digits of an FNV-1a hash of the whole text.
/// Stable across releases, so a value a platform echoes back after an upgrade is still
/// understood.
pub(crate) fn shortened(text: &str, max: usize) -> String {
    let kept: String = text.chars().take(max - DIGEST_LEN).collect();
    format!("{kept}~{:016x}", fnv1a(text))
}

/// Whether `text` shows nothing.
pub(crate) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// 64-bit FNV-1a: tiny, and the same in every build (unlike std's hasher).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortened_text_fits_and_differs_from_others_with_its_beginning() {
        let long = "x".repeat(200);
        let other = format!("{long}y");
        assert_eq!(shortened(&long, 100).chars().count(), 100);
        assert_ne!(shortened(&long, 100), shortened(&other, 100));
        assert_eq!(shortened(&long, 100), shortened(&long, 100));
    }
}
