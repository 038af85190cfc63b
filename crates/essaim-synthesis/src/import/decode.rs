//! Reading an import file into text: gzip undone, encoding found (UTF-8, UTF-16 with a BOM, or
//! Windows-1252 — what Excel on Windows writes — converted), binary refused.

use std::io::Read;
use std::path::Path;

use super::ImportError;

/// The file's text and the encoding it was read in.
pub struct DecodedFile {
    /// The whole text, UTF-8.
    pub text: String,
    /// The encoding found, in French, for the report.
    pub encoding: &'static str,
}

/// Largest file an import reads, once decompressed: 1 GiB, about five million answers. Past
/// it the import is refused before more is decompressed, so a "gzip bomb" (a few MB that
/// inflate to many GB) costs at most this much memory and a few seconds.
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// Reads a file, gunzipping `.gz` files (or any file starting with the gzip magic bytes),
/// streaming, and never more than [`MAX_IMPORT_BYTES`] once decompressed.
pub fn read_file(path: &Path) -> Result<Vec<u8>, ImportError> {
    read_file_capped(path, MAX_IMPORT_BYTES)
}

/// [`read_file`] with another cap (tests).
pub fn read_file_capped(path: &Path, cap: u64) -> Result<Vec<u8>, ImportError> {
    use std::io::BufRead;
    let unreadable = |e: std::io::Error| ImportError::Read(format!("lecture de {} impossible : {e}", path.display()));
    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(unreadable)?);
    let gzip = file.fill_buf().map_err(unreadable)?.starts_with(&[0x1f, 0x8b]);
    let mut out = Vec::new();
    let read = if gzip {
        flate2::read::MultiGzDecoder::new(file).take(cap + 1).read_to_end(&mut out)
    } else {
        file.take(cap + 1).read_to_end(&mut out)
    };
    read.map_err(|e| {
        if gzip {
            ImportError::Read(format!("{} : archive gzip illisible ({e})", path.display()))
        } else {
            unreadable(e)
        }
    })?;
    if out.len() as u64 > cap {
        return Err(ImportError::Read(format!(
            "{} dépasse {} Mo une fois décompressé : découpez-le en plusieurs fichiers (rien n'a été importé)",
            path.display(),
            cap / (1 << 20)
        )));
    }
    Ok(out)
}

/// Decodes bytes to text.
pub fn decode(bytes: Vec<u8>) -> Result<DecodedFile, ImportError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            let text = String::from_utf8(bytes[bom_len..].to_vec()).map_err(|_| {
                ImportError::Read("le fichier annonce l'UTF-8 mais contient des octets invalides".into())
            })?;
            return Ok(DecodedFile { text, encoding: "UTF-8" });
        }
        let (text, _, had_errors) = encoding.decode(&bytes);
        if had_errors {
            return Err(ImportError::Read("fichier UTF-16 illisible : enregistrez-le en UTF-8".into()));
        }
        return Ok(DecodedFile { text: text.into_owned(), encoding: "UTF-16 (converti)" });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(DecodedFile { text, encoding: "UTF-8" }),
        Err(err) => {
            let bytes = err.into_bytes();
            if bytes.contains(&0) {
                return Err(ImportError::Read(
                    "ce fichier n'est pas du texte (octets nuls) : attendu un CSV ou un JSON Lines en UTF-8".into(),
                ));
            }
            // Not UTF-8 and not binary: the usual case is a CSV saved by Excel on Windows.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            Ok(DecodedFile { text: text.into_owned(), encoding: "Windows-1252 (converti en UTF-8)" })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gzip_bomb_is_refused_at_the_cap_without_inflating_it_whole() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bombe.csv.gz");
        let mut encoder =
            flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::best());
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..64 {
            encoder.write_all(&zeros).unwrap();
        }
        encoder.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "a small file…");
        let Err(ImportError::Read(message)) = read_file_capped(&path, 4 << 20) else { panic!("refused") };
        assert!(message.contains("dépasse 4 Mo"), "{message}");
        assert_eq!(read_file_capped(&path, 64 << 20).unwrap().len(), 64 << 20, "…read whole under the cap");
        let plain = dir.path().join("gros.csv");
        std::fs::write(&plain, vec![b'x'; 5 << 20]).unwrap();
        assert!(read_file_capped(&plain, 4 << 20).is_err(), "plain files are capped too");
    }

    #[test]
    fn windows_1252_is_detected_and_converted() {
        let bytes = b"id,theme,text\n1,Emploi,Cr\xe9er des emplois non d\xe9localisables\n".to_vec();
        let decoded = decode(bytes).unwrap();
        assert!(decoded.encoding.starts_with("Windows-1252"));
        assert!(decoded.text.contains("Créer des emplois non délocalisables"));
    }

    #[test]
    fn utf8_with_bom_and_utf16_are_read_and_binary_refused() {
        let decoded = decode(b"\xef\xbb\xbfid,theme,text\n".to_vec()).unwrap();
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.text.starts_with("id,"));
        let utf16: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("id,é".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(utf16).unwrap().text, "id,é");
        assert!(decode(vec![0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]).is_err());
    }
}
