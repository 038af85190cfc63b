//! An import file as streams: its bytes with gzip undone and a cap on their size, the
//! encoding of its text, and the text as UTF-8. Nothing here holds more than a buffer: a
//! 64 MB file or a gzip bomb costs the same memory.

use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use encoding_rs::{DecoderResult, Encoding, UTF_8, WINDOWS_1252};

/// Bytes asked of the file, and of the decoder, at a time.
const CHUNK: usize = 64 << 10;

/// A file's bytes, gunzipped when it is gzip (by its first two bytes, whatever its name),
/// refused as soon as more than the cap has come out. Its errors carry the French message
/// to show (`to_string()`).
pub struct Source {
    reader: Box<dyn Read + Send>,
    gzip: bool,
    path: PathBuf,
    cap: u64,
    out: u64,
    raw_read: Arc<AtomicU64>,
    raw_size: u64,
}

/// Opens a file for reading as a [`Source`]. The error is a message in French.
pub fn open(path: &Path, cap: u64) -> Result<Source, String> {
    use io::BufRead;
    let unreadable = |e: io::Error| format!("lecture de {} impossible : {e}", path.display());
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let raw_size = file.metadata().map_err(unreadable)?.len();
    let raw_read = Arc::new(AtomicU64::new(0));
    let mut file = BufReader::with_capacity(CHUNK, Counted { inner: file, read: raw_read.clone() });
    let gzip = file.fill_buf().map_err(unreadable)?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + Send> =
        if gzip { Box::new(flate2::bufread::MultiGzDecoder::new(file)) } else { Box::new(file) };
    Ok(Source { reader, gzip, path: path.to_owned(), cap, out: 0, raw_read, raw_size })
}

impl Source {
    /// How far into the file (its bytes on disk, compressed or not) reading has gone, and the
    /// file's size: for a progress bar, readable while the source is being consumed.
    pub fn progress(&self) -> FileProgress {
        FileProgress { read: self.raw_read.clone(), size: self.raw_size }
    }

    fn too_big(&self) -> io::Error {
        io::Error::other(format!(
            "{} dépasse {} Mo une fois décompressé : découpez-le en plusieurs fichiers (rien n'a été importé)",
            self.path.display(),
            self.cap / (1 << 20)
        ))
    }
}

impl Read for Source {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte past the cap is enough to know the file is too big: never inflate more.
        let room = (self.cap + 1).saturating_sub(self.out);
        if room == 0 {
            return Err(self.too_big());
        }
        let wanted = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.reader.read(&mut buf[..wanted]).map_err(|e| {
            io::Error::other(if self.gzip {
                format!("{} : archive gzip illisible ({e})", self.path.display())
            } else {
                format!("lecture de {} impossible : {e}", self.path.display())
            })
        })?;
        self.out += n as u64;
        if self.out > self.cap {
            return Err(self.too_big());
        }
        Ok(n)
    }
}

/// See [`Source::progress`].
#[derive(Debug, Clone)]
pub struct FileProgress {
    read: Arc<AtomicU64>,
    size: u64,
}

impl FileProgress {
    /// Bytes of the file read so far.
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// The file's size on disk.
    pub fn size(&self) -> u64 {
        self.size
    }
}

struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// The encoding a file's text is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextEncoding(&'static Encoding);

impl TextEncoding {
    /// UTF-8.
    pub const UTF_8: TextEncoding = TextEncoding(UTF_8);

    /// The encoding, in French, for the report.
    pub fn label(self) -> &'static str {
        if self.0 == UTF_8 {
            "UTF-8"
        } else if self.0 == WINDOWS_1252 {
            "Windows-1252 (converti en UTF-8)"
        } else {
            "UTF-16 (converti)"
        }
    }

    fn malformed(self) -> &'static str {
        if self.0 == UTF_8 {
            "le fichier annonce l'UTF-8 mais contient des octets invalides"
        } else {
            "fichier UTF-16 illisible : enregistrez-le en UTF-8"
        }
    }

    fn decoder(self) -> encoding_rs::Decoder {
        if self.0 == WINDOWS_1252 {
            self.0.new_decoder_without_bom_handling()
        } else {
            self.0.new_decoder_with_bom_removal()
        }
    }
}

/// Finds the encoding of a whole stream, reading it to the end through a buffer: UTF-8 or
/// UTF-16 announced by a byte-order mark (and holding), else UTF-8 if every byte is, else
/// binary if a byte is nul, else Windows-1252 — what Excel on Windows writes. Deciding needs
/// the whole file (an "é" in Windows-1252 may come after a million plain lines), so an import
/// reads its file twice rather than keep it. The error is a message in French.
pub fn detect_encoding(mut reader: impl Read) -> Result<TextEncoding, String> {
    let mut input = vec![0; CHUNK];
    let mut scratch = vec![0; CHUNK * 3 + 16];
    // A byte-order mark is at most 3 bytes; a reader may give fewer at a time.
    let mut filled = 0;
    while filled < 3 {
        match reader.read(&mut input[filled..]).map_err(|e| e.to_string())? {
            0 => break,
            n => filled += n,
        }
    }
    let announced = Encoding::for_bom(&input[..filled]).map(|(encoding, _)| TextEncoding(encoding));
    let candidate = announced.unwrap_or(TextEncoding::UTF_8);
    let mut decoder = candidate.decoder();
    let (mut valid, mut nul) = (true, false);
    loop {
        let last = filled == 0;
        nul = nul || input[..filled].contains(&0);
        let mut rest = &input[..filled];
        while valid {
            let (result, read, _) = decoder.decode_to_utf8_without_replacement(rest, &mut scratch, last);
            rest = &rest[read..];
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => valid = false,
            }
        }
        if last || (!valid && (announced.is_some() || nul)) {
            break;
        }
        filled = reader.read(&mut input).map_err(|e| e.to_string())?;
    }
    match (valid, announced) {
        (true, _) => Ok(candidate),
        (false, Some(encoding)) => Err(encoding.malformed().into()),
        (false, None) if nul => {
            Err("ce fichier n'est pas du texte (octets nuls) : attendu un CSV ou un JSON Lines en UTF-8".into())
        }
        (false, None) => Ok(TextEncoding(WINDOWS_1252)),
    }
}

/// A stream of bytes in some encoding read as UTF-8 text, a buffer at a time, the byte-order
/// mark left out. Bytes the encoding cannot hold are an error (its message in French).
pub struct Decoded<R> {
    inner: R,
    encoding: TextEncoding,
    decoder: encoding_rs::Decoder,
    input: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    output: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Decoded<R> {
    /// Decodes `inner`, in `encoding`.
    pub fn new(inner: R, encoding: TextEncoding) -> Self {
        Decoded {
            inner,
            encoding,
            decoder: encoding.decoder(),
            input: vec![0; CHUNK].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            // Windows-1252 takes up to 3 bytes of UTF-8 per byte.
            output: vec![0; CHUNK * 3 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                self.in_end = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.eof = self.in_end == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            (self.out_start, self.out_end) = (0, written);
            match result {
                DecoderResult::Malformed(..) => return Err(io::Error::other(self.encoding.malformed())),
                DecoderResult::InputEmpty => self.done = self.eof,
                DecoderResult::OutputFull => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives its bytes one at a time: the worst a reader may do.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn decoded(bytes: &[u8]) -> Result<(TextEncoding, String), String> {
        let encoding = detect_encoding(Trickle(bytes))?;
        let mut text = String::new();
        Decoded::new(Trickle(bytes), encoding).read_to_string(&mut text).map_err(|e| e.to_string())?;
        Ok((encoding, text))
    }

    #[test]
    fn encodings_are_found_and_decoded_a_byte_at_a_time() {
        let (encoding, text) = decoded("\u{feff}id,é\n".as_bytes()).unwrap();
        assert_eq!((encoding.label(), text.as_str()), ("UTF-8", "id,é\n"), "the mark is left out");
        let utf16: Vec<u8> =
            [0xfe, 0xff].into_iter().chain("id,é€".encode_utf16().flat_map(|u| u.to_be_bytes())).collect();
        assert_eq!(decoded(&utf16).unwrap().1, "id,é€");
        let (encoding, text) = decoded(b"plain\nCr\xe9er \x80").unwrap();
        assert!(encoding.label().starts_with("Windows-1252"));
        assert_eq!(text, "plain\nCréer €");
    }

    #[test]
    fn late_bad_bytes_decide_the_encoding_or_refuse_the_file() {
        let mut latin = "a,b\n".repeat(100_000).into_bytes();
        latin.extend_from_slice(b"d\xe9j\xe0\n");
        let (encoding, text) = decoded(&latin).unwrap();
        assert!(encoding.label().starts_with("Windows-1252"), "an é after 400 kB still counts");
        assert!(text.ends_with("déjà\n"));
        let mut binary = latin.clone();
        binary.push(0);
        assert!(decoded(&binary).unwrap_err().contains("octets nuls"));
        let mut announced = b"\xef\xbb\xbf".to_vec();
        announced.extend_from_slice(&latin);
        assert!(decoded(&announced).unwrap_err().contains("annonce l'UTF-8"));
        let mut broken16 = vec![0xff, 0xfe, b'a', 0];
        broken16.extend_from_slice(&[0x00, 0xd8, b'b', 0]); // a lone surrogate
        assert!(decoded(&broken16).unwrap_err().contains("UTF-16 illisible"));
    }
}
