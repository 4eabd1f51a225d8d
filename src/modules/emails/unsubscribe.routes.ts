import { Router, type Request, type Response } from 'express';
import { escapeHtml, sendPage } from '../../core/http/link-page';
import { SuppressionReason } from './email-suppression.entity';
import type { SuppressionService } from './suppression.service';
import { verifyUnsubscribeToken } from './unsubscribe-token';

export interface UnsubscribeRouterOptions {
  suppressions: SuppressionService;
  /** Secrets a link may be signed with: the current one, then retired ones still accepted. */
  secrets: readonly string[];
}

/**
 * The page behind every unsubscribe link. GET only shows a confirmation page — link scanners and
 * previews fetch URLs in mail, so a GET must never change anything. POST (our form, or a mail
 * provider's RFC 8058 one-click POST with `List-Unsubscribe=One-Click`) records the opt-out.
 *
 * No CSRF token: the signed token in the URL is itself the capability, and the only thing it
 * lets anyone do is stop mail to the address it was sent to.
 */
export function unsubscribeRouter({ suppressions, secrets }: UnsubscribeRouterOptions): Router {
  const router = Router();

  router.get('/:token', (req, res) => {
    const email = verifyUnsubscribeToken(String(req.params.token), secrets);
    if (!email) return invalid(res);
    sendPage(
      res,
      200,
      'Unsubscribe',
      `<h1>Unsubscribe?</h1>
<p>Stop all emails sent through Rapport to <strong>${escapeHtml(maskEmail(email))}</strong>.</p>
<form method="post"><button type="submit">Unsubscribe</button></form>`,
    );
  });

  router.post('/:token', async (req, res) => {
    const email = verifyUnsubscribeToken(String(req.params.token), secrets);
    if (!email) return invalid(res);
    // Any body and content type: one-click senders post `List-Unsubscribe=One-Click`, our form nothing.
    const oneClick = (req.body as Record<string, unknown> | undefined)?.['List-Unsubscribe'] === 'One-Click';
    try {
      // Pending emails to the address are suppressed in the same statement; their timers find
      // them suppressed when they fire.
      await suppressions.suppress(email, SuppressionReason.UNSUBSCRIBED, oneClick ? 'one-click' : 'web form');
    } catch (err) {
      return failed(req, res, err);
    }
    sendPage(
      res,
      200,
      'Unsubscribed',
      `<h1>You are unsubscribed</h1>
<p>You will not receive any more emails from Rapport at <strong>${escapeHtml(maskEmail(email))}</strong>.</p>`,
    );
  });

  return router;
}

function invalid(res: Response) {
  sendPage(
    res,
    400,
    'Invalid link',
    '<h1>This link is not valid</h1><p>Please use the link from the most recent email.</p>',
  );
}

function failed(req: Request, res: Response, err: unknown) {
  req.log?.error({ err }, 'recording an unsubscribe failed');
  sendPage(
    res,
    500,
    'Please try again',
    '<h1>Something went wrong</h1><p>Nothing was changed. Please try again later.</p>',
  );
}

/** `grace.hopper@navy.example` → `g•••r@navy.example`: recognisable to its owner, not to a bystander. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const masked = local.length <= 2 ? `${local[0]}•••` : `${local[0]}•••${local[local.length - 1]}`;
  return `${masked}${email.slice(at)}`;
}
