import { createHash } from 'node:crypto';
import { ValidationError } from '../../lib/errors.ts';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_PHOTOS = 6;

export interface Photo {
  orderLineId: string | null;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  data: Buffer;
  sha256: string;
}

/**
 * What the bytes are, from their first bytes: a declared content type or a file name proves nothing, and a
 * file that is not an image we can show is refused, never stored.
 */
export function sniffImage(data: Buffer): Photo['contentType'] | null {
  if (data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (
    data.length > 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    data.length > 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'image/webp';
  return null;
}

/** Checks every photo before anything is written: the request is refused whole, with the photo named. */
export function checkPhotos(photos: Array<{ orderLineId: string | null; data: Buffer }>): Photo[] {
  if (photos.length > MAX_PHOTOS) {
    throw new ValidationError(
      `At most ${MAX_PHOTOS} photos per return.`,
      { count: photos.length },
      'too_many_photos',
    );
  }
  return photos.map((p, index) => {
    if (p.data.length === 0 || p.data.length > MAX_PHOTO_BYTES) {
      throw new ValidationError(
        `Photo ${index + 1} must be between 1 byte and ${MAX_PHOTO_BYTES / 1024 / 1024} MB.`,
        { index, bytes: p.data.length },
        'photo_too_large',
      );
    }
    const contentType = sniffImage(p.data);
    if (!contentType) {
      throw new ValidationError(
        `Photo ${index + 1} is not a JPEG, PNG or WebP image.`,
        { index },
        'photo_unsupported_type',
      );
    }
    return { ...p, contentType, sha256: createHash('sha256').update(p.data).digest('hex') };
  });
}
