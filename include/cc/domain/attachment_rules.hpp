#pragma once
// Pure rules for stored attachments: the download route, linking an HTML body's cid: references
// to it, which content types a browser may render inline, and the Content-Disposition header
// (RFC 6266 with an RFC 5987 filename* for non-ASCII names).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cc/domain/types.hpp"

namespace cc::domain {

// "/api/v1/attachments/<id>"
std::string attachment_path(Id id);

// `html` with every `cid:<content id>` URL naming one of `parts` (content id -> attachment id)
// replaced by attachment_path(id). The cid URL is compared after percent-decoding (RFC 2392);
// unknown cid: references are left alone.
std::string link_inline_parts(std::string_view html,
                              const std::vector<std::pair<std::string, Id>>& parts);

// True for the types served with their own Content-Type and `inline`: image/png, image/jpeg,
// image/gif, image/webp, application/pdf, text/plain. Everything else (HTML, SVG, scripts ...)
// is served as application/octet-stream and as a download.
bool served_inline(std::string_view content_type);

// `inline; filename="report.pdf"` or `attachment; filename="_.csv"; filename*=UTF-8''%E8%AE%A2.csv`.
// The quoted form is ASCII with `"`, `\`, controls, path separators and non-ASCII replaced by `_`;
// an empty name becomes "attachment".
std::string content_disposition(bool as_inline, std::string_view filename);

}  // namespace cc::domain
