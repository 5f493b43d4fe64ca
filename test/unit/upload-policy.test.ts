import { describe, expect, it } from 'vitest';
import { presignedPostOptions } from '#shared/storage/s3';
import { createUpload, UPLOAD_PURPOSES, uploadPrefix } from '#shared/storage/uploads';
import { contentDisposition } from '#shared/storage/s3';

describe('upload policy', () => {
  const options = presignedPostOptions({
    bucket: 'b',
    key: 'uploads/7/authorization-letter/x.pdf',
    contentType: 'application/pdf',
    maxBytes: 5 * 1024 * 1024,
    expiresSeconds: 600,
  });

  it('limits the size to at most the purpose maximum and at least one byte', () => {
    expect(options.Conditions).toContainEqual(['content-length-range', 1, 5 * 1024 * 1024]);
  });

  it('pins the content type and the exact key', () => {
    expect(options.Conditions).toContainEqual(['eq', '$Content-Type', 'application/pdf']);
    expect(options.Conditions).toContainEqual(['eq', '$key', 'uploads/7/authorization-letter/x.pdf']);
    expect(options.Fields).toEqual({ 'Content-Type': 'application/pdf' });
    expect(options.Key).toBe('uploads/7/authorization-letter/x.pdf');
  });

  it('expires after ten minutes', () => {
    expect(options.Expires).toBe(600);
  });

  it('keeps each account and purpose under its own prefix', () => {
    expect(uploadPrefix(7, 'institution-logo')).toBe('uploads/7/institution-logo/');
    expect(uploadPrefix(70, 'institution-logo').startsWith(uploadPrefix(7, 'institution-logo'))).toBe(false);
  });

  it('allows the types and sizes docs/security.md lists', () => {
    expect(Object.keys(UPLOAD_PURPOSES['authorization-letter'].contentTypes)).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
    expect(UPLOAD_PURPOSES['authorization-letter'].maxBytes).toBe(5 * 1024 * 1024);
    expect(Object.keys(UPLOAD_PURPOSES['institution-logo'].contentTypes)).toEqual(['image/png', 'image/jpeg', 'image/webp']);
    expect(Object.keys(UPLOAD_PURPOSES['specialist-avatar'].contentTypes)).toEqual(['image/png', 'image/jpeg', 'image/webp']);
    expect(UPLOAD_PURPOSES['institution-logo'].maxBytes).toBe(2 * 1024 * 1024);
  });

  it('refuses SVG images with 415: an SVG can carry script', async () => {
    for (const purpose of ['institution-logo', 'specialist-avatar'] as const) {
      await expect(createUpload(7, { purpose, contentType: 'image/svg+xml', size: 1000 })).rejects.toMatchObject({ status: 415 });
    }
  });
});

describe('download disposition', () => {
  it('shows images inline and saves letters and reports under their Chinese names', () => {
    expect(contentDisposition({ disposition: 'inline' })).toBe('inline');
    expect(contentDisposition({ disposition: 'attachment', fileName: '授权书_张三.pdf' })).toBe(
      `attachment; filename="______.pdf"; filename*=UTF-8''${encodeURIComponent('授权书_张三.pdf')}`,
    );
  });
});
