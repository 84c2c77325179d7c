/** What the future SDK and receivers import: signing helpers and `verifyWebhook`. */
export { newWebhookSecret, seedanceSignature, signatureHeaders, standardSignature, verifyWebhook, WebhookVerificationError } from './sign.js'
