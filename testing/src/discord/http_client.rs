//! The smallest HTTP/1.1 client that can POST a signed interaction to the bot on 127.0.0.1:
//! one request per connection (`Connection: close`), a body of known length, and an answer
//! read to its end, with `Content-Length` or chunked. The crate has no HTTP client of its
//! own and this is all the fake needs.

use std::time::Duration;

use anyhow::{Context as _, bail};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Longer than Discord waits (3 s): the bot's lateness shows in the callback window, not here.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// An answer: its status and body.
#[derive(Debug)]
pub(crate) struct HttpAnswer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// POSTs `body` to an `http://` URL with `headers`.
pub(crate) async fn post(
    url: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> anyhow::Result<HttpAnswer> {
    let url = url::Url::parse(url).with_context(|| format!("parsing {url}"))?;
    if url.scheme() != "http" {
        bail!("only http:// URLs can be posted to, not {url}");
    }
    let host = url.host_str().context("the URL has no host")?;
    let port = url.port_or_known_default().unwrap_or(80);
    let target = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let mut request = format!(
        "POST {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    let exchange = async {
        let mut stream = TcpStream::connect((host, port))
            .await
            .with_context(|| format!("connecting to {host}:{port}"))?;
        stream.write_all(request.as_bytes()).await?;
        stream.write_all(body).await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        anyhow::Ok(answer)
    };
    let raw = tokio::time::timeout(ANSWER_TIMEOUT, exchange)
        .await
        .with_context(|| format!("no answer from {url} within {ANSWER_TIMEOUT:?}"))??;
    parse_answer(&raw)
}

fn parse_answer(raw: &[u8]) -> anyhow::Result<HttpAnswer> {
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .context("the answer has no end of headers")?;
    let head = std::str::from_utf8(&raw[..split]).context("the answer's headers are not UTF-8")?;
    let body = &raw[split + 4..];
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .context("the answer has no status line")?;
    let mut chunked = false;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        } else if name.eq_ignore_ascii_case("content-length") {
            length = value.parse::<usize>().ok();
        }
    }
    let body = if chunked {
        dechunk(body)?
    } else {
        body[..length.unwrap_or(body.len()).min(body.len())].to_vec()
    };
    Ok(HttpAnswer { status, body })
}

fn dechunk(mut rest: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|window| window == b"\r\n")
            .context("a chunk has no size line")?;
        let size_text = std::str::from_utf8(&rest[..line_end])?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .with_context(|| format!("bad chunk size {size_text:?}"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).context("a chunk is cut short")?;
        body.extend_from_slice(chunk);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_answer_is_put_back_together() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"ty\r\n6\r\npe\":1}\r\n0\r\n\r\n";
        let answer = parse_answer(raw).unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, b"{\"type\":1}");
    }

    #[test]
    fn a_sized_answer_keeps_its_length() {
        let raw = b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 7\r\n\r\ninvalid";
        let answer = parse_answer(raw).unwrap();
        assert_eq!(
            (answer.status, answer.body.as_slice()),
            (401, &b"invalid"[..])
        );
    }
}
