"""Photos and documents kept beside a record: the upload's type checked by its first bytes (never its name or the
type the client claims), its size bounded, its name made safe, and the bytes kept in a GridFS bucket of the
service's own database."""
import base64

import gridfs
from bson import ObjectId
from bson.errors import InvalidId

from shared.errors import ValidationFailed

FILE_TYPES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG", "application/pdf": b"%PDF"}
MAX_FILE_BYTES = 10 * 1024 * 1024


def checked_upload(filename: str | None, content_base64: str | None) -> tuple[str, bytes, str]:
    """(safe name, bytes, content type) of an upload sent over RPC as base64; a ValidationFailed on `file`
    when it is not a JPEG, PNG or PDF within the size limit."""
    try:
        content = base64.b64decode(content_base64 or "", validate=True)
    except ValueError:
        raise ValidationFailed("文件内容无法解码", field="file", code="file.bad_encoding") from None
    if not content or len(content) > MAX_FILE_BYTES:
        raise ValidationFailed("文件为空或超过10MB", field="file", code="file.too_large")
    kind = next((t for t, magic in FILE_TYPES.items() if content.startswith(magic)), None)
    if kind is None:
        raise ValidationFailed("只接受 JPEG、PNG 图片或 PDF 文件", field="file", code="file.bad_type")
    name = (str(filename or "file").replace("/", "_").replace("\\", "_"))[-80:]
    return name, content, kind


class FileBucket:
    def __init__(self, db, bucket: str):
        self.files = gridfs.GridFSBucket(db, bucket_name=bucket)

    def put(self, content: bytes, filename: str, content_type: str, metadata: dict) -> str:
        return str(self.files.upload_from_stream(filename, content,
                                                 metadata={**metadata, "content_type": content_type}))

    def get(self, file_id: str) -> tuple[bytes, dict] | None:
        try:
            stream = self.files.open_download_stream(ObjectId(file_id))
        except (InvalidId, gridfs.errors.NoFile):
            return None
        return stream.read(), {"filename": stream.filename, **(stream.metadata or {})}
