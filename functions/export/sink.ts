import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Where the export's files go: an S3 bucket in AWS, a folder locally and in tests. */
export interface ExportSink {
  put(key: string, body: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Writes `<root>/<key>`, creating folders; a delete of a missing file is fine (as in S3). */
export class FolderSink implements ExportSink {
  constructor(private readonly root: string) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }

  async delete(key: string): Promise<void> {
    await rm(join(this.root, key), { force: true });
  }
}

/** The S3 calls the bucket sink makes (the runtime's @aws-sdk/client-s3 behind it). */
export interface S3Calls {
  putObject(input: { Bucket: string; Key: string; Body: Uint8Array; ContentType: string }): Promise<unknown>;
  deleteObject(input: { Bucket: string; Key: string }): Promise<unknown>;
}

/** Objects in one bucket; the bucket's default encryption (SSE-KMS, bucket key) applies. */
export class BucketSink implements ExportSink {
  constructor(
    private readonly s3: S3Calls,
    private readonly bucket: string,
  ) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.s3.putObject({
      Bucket: this.bucket,
      Key: key,
      Body: body,
      ContentType: "application/vnd.apache.parquet",
    });
  }

  async delete(key: string): Promise<void> {
    await this.s3.deleteObject({ Bucket: this.bucket, Key: key });
  }
}
