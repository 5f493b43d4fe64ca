/**
 * The form of an add / edit dialog: its values (reset from the record whenever the dialog opens),
 * the Element Plus form to validate, the server's field errors placed on their form items, and the
 * submit with its messages. A stale `version` (409) closes the dialog, says the record changed and
 * lets the page reload; any other refusal stays open with the server's message.
 */
import { nextTick, reactive, ref, watch, type Ref } from 'vue';
import { ElMessage, type FormInstance } from 'element-plus';
import { errorMessage } from '../api/client';
import { fieldErrorsOf, isVersionConflict, reportWriteError, type FieldErrors } from '../utils/forms';

export interface EntityFormOptions<F extends object, R> {
  /** The dialog's v-model. */
  visible: Ref<boolean>;
  /** The form's values for the record being edited, or blank ones. Read again on every open and 重置. */
  initial: () => F;
  /** API fields named differently from form fields (`authorizationLetterKey` → `letterKey`). */
  aliases?: Record<string, string>;
  /** Extra form fields that may carry server errors beyond those of `initial()`. */
  extraFields?: readonly string[];
  /** Sends the form; resolves to the saved record. */
  save: (form: F) => Promise<R>;
  /** The success message. */
  success: string | ((saved: R) => string);
  /** After a successful save (the dialog is closed). */
  saved?: (saved: R) => void;
  /** After a version conflict (the dialog is closed): reload what is shown. */
  stale?: () => void;
  /** Also run on 重置 and on open (e.g. forget a chosen file). */
  onReset?: () => void;
}

export function useEntityForm<F extends object, R>(options: EntityFormOptions<F, R>) {
  const form = reactive(options.initial()) as F;
  const formRef = ref<FormInstance>();
  const errors = ref<FieldErrors>({});
  const submitting = ref(false);
  const fields = [...Object.keys(options.initial()), ...(options.extraFields ?? [])];

  function reset(): void {
    Object.assign(form, options.initial());
    errors.value = {};
    options.onReset?.();
    void nextTick(() => formRef.value?.clearValidate());
  }

  watch(options.visible, (open) => {
    if (open) reset();
  });

  async function submit(): Promise<void> {
    errors.value = {};
    const valid = await (formRef.value?.validate() ?? Promise.resolve(true)).then(() => true).catch(() => false);
    if (!valid) return;
    submitting.value = true;
    try {
      const saved = await options.save(form);
      ElMessage.success(typeof options.success === 'function' ? options.success(saved) : options.success);
      options.visible.value = false;
      options.saved?.(saved);
    } catch (error) {
      if (isVersionConflict(error)) {
        options.visible.value = false;
        reportWriteError(error, options.stale);
        return;
      }
      errors.value = fieldErrorsOf(error, fields, options.aliases);
      const first = Object.values(errors.value)[0];
      // A 400 says 请求参数不正确 in general; the field's own message says more.
      ElMessage.error(first && errorMessage(error) === '请求参数不正确' ? first : errorMessage(error));
    } finally {
      submitting.value = false;
    }
  }

  /** Checks one field again (after an upload, or before asking for an SMS code). */
  async function validateField(name: string): Promise<boolean> {
    errors.value = { ...errors.value, [name]: '' };
    return (formRef.value?.validateField(name) ?? Promise.resolve(true)).then(() => true).catch(() => false);
  }

  return { form, formRef, errors, submitting, reset, submit, validateField };
}
