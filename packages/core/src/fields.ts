// @portcullis/core/fields: core's field schemas as zod values, for an app's own `defineUserFields`
// or its own validation. Importing it loads zod; the main entry does not (docs/performance.md#import-cost).
import { z } from 'zod';
import { lazyEmailField } from './schemas';

/**
 * An email field with FastAPI Users' `EmailStr` rules (docs/guides/custom-user-fields.md):
 * trimmed, display-name form reduced to the address, domain lower-cased, special-use domains
 * refused.
 *
 * @example
 * ```ts
 * import { emailField } from '@portcullis/core/fields';
 *
 * const userFields = defineUserFields({ backup_email: emailField.nullable().default(null) });
 * emailField.safeParse(' Ada@Example.COM ').data; // 'Ada@example.com'
 * ```
 */
export const emailField: z.ZodType<string, string> = lazyEmailField.with(z);
