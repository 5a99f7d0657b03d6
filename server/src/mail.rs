//! Mail to people about their account: verification links, password resets, notices of a
//! changed address. Sent over SMTP (`MINGLE_SMTP_URL`) in the background, so a request never
//! waits on a mail server and the time it takes never tells whether an address has an
//! account. Without SMTP, on a loopback deployment, the mail is written to the log instead so
//! that `./dev run` works on its own.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

/// One mail.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone)]
pub struct Mailer {
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: Mailbox,
    /// No SMTP server: write mails (with their links) to the log. Only on loopback.
    log_instead: bool,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("smtp", &self.transport.is_some()).field("from", &self.from).finish()
    }
}

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:25` (plain, for a relay on the same host),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    pub fn new(smtp_url: Option<&str>, from: &str, loopback: bool) -> anyhow::Result<Self> {
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("MINGLE_MAIL_FROM {from:?}: {e}"))?;
        let transport = match smtp_url.filter(|url| !url.is_empty()) {
            Some(url) => Some(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("MINGLE_SMTP_URL: {e}"))?
                    .build(),
            ),
            None => None,
        };
        if transport.is_none() && !loopback {
            tracing::warn!("MINGLE_SMTP_URL is unset: verification and password-reset mails cannot be sent");
        }
        Ok(Self { transport, from, log_instead: loopback })
    }

    /// Sends `mail` in the background; failures are logged, never answered to the request.
    pub fn send(&self, mail: Mail) {
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.deliver(&mail).await {
                metrics::counter!("mail_failures_total").increment(1);
                tracing::warn!(error = %e, subject = %mail.subject, "sending mail failed");
            }
        });
    }

    /// Sends `mail` now.
    pub async fn deliver(&self, mail: &Mail) -> anyhow::Result<()> {
        let Some(transport) = &self.transport else {
            if self.log_instead {
                tracing::info!(to = %mail.to, subject = %mail.subject, body = %mail.body, "mail (no SMTP server configured)");
            }
            return Ok(());
        };
        let to: Mailbox = mail.to.parse().map_err(|e| anyhow::anyhow!("recipient {:?}: {e}", mail.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&mail.subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(mail.body.clone())?;
        transport.send(message).await?;
        metrics::counter!("mails_sent_total").increment(1);
        Ok(())
    }
}
