// The repository's one SMTP sink (shared with the email benchmark); tests use its parse mode.
export {
  startSmtpSink,
  type ReceivedMail,
  type SmtpMode,
  type SmtpSink,
  type SmtpSinkOptions,
} from '../../scripts/lib/smtp-sink.cjs';
