/**
 * Uploads a file straight to object storage with a presigned POST (`POST /uploads`)
 * and returns the object key that records refer to.
 */
import { ApiError, call, type BodyOf } from './client';

export type UploadPurpose = BodyOf<'createUpload'>['purpose'];

export async function uploadFile(file: File, purpose: UploadPurpose): Promise<string> {
  const presigned = await call('createUpload', { body: { purpose, contentType: file.type || 'application/octet-stream', size: file.size } });
  if (presigned.maxBytes && file.size > presigned.maxBytes) {
    throw new ApiError(413, 'FILE_TOO_LARGE', `文件不能超过 ${(presigned.maxBytes / 1024 / 1024).toFixed(0)} MB`);
  }
  const form = new FormData();
  for (const [name, value] of Object.entries(presigned.fields)) form.append(name, value);
  // S3 requires the file to be the last field of the form.
  form.append('file', file);
  let res: Response;
  try {
    res = await fetch(presigned.url, { method: 'POST', body: form });
  } catch {
    throw new ApiError(0, 'UPLOAD_FAILED', '文件上传失败，请检查网络后重试');
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    const tooLarge = /EntityTooLarge/.test(text);
    throw new ApiError(
      res.status,
      tooLarge ? 'FILE_TOO_LARGE' : 'UPLOAD_FAILED',
      tooLarge ? '文件过大，无法上传' : `文件上传失败（${res.status}）`,
    );
  }
  return presigned.key;
}
