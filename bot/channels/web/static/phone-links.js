// Phone numbers in the assistant's answers become tappable tel: links, so a resident who reads
// with difficulty does not have to copy digits. Only DOM text nodes and <a> elements are made:
// an answer is never parsed as HTML. Also loaded by Node in the tests (module.exports).
//
// The rule, kept strict because a wrong link is worse than none:
// - a Belgian number of 9 digits starting with 0 (10 for a mobile, 04…), or the same with
//   +32 or 0032 in front, as one piece or in groups split by a space, dot, slash or dash;
//   groups after the first have 2, 3 or 5+ digits, so a year ("04/06/2026") or a time
//   ("9.30") never joins a number;
// - the short numbers 112, 1813 and 1712 standing alone; 100 and 101 are common amounts too,
//   so only in a sentence that asks to call ("bel", "nummer");
// - never glued to a letter, a digit, a currency sign or a decimal point, and never a short
//   number directly followed by an amount ("euro", "€", "%").
// A run of digit groups that does not fit as a whole gets no link at all.
// No regex lookbehind: older Safari versions refuse the whole script over it.
"use strict";

(function (root) {
  const RUN = /\+?\d+(?:[ \u00a0\u202f./-]\d+)*/g;
  const SEPARATOR = /[ \u00a0\u202f./-]/;
  const ALWAYS_SHORT = ["112", "1813", "1712"];
  const CALL_SHORT = ["100", "101"];
  const GLUED_BEFORE = /[\p{L}\p{N}_+€$£.,\-/]/u;
  const GLUED_AFTER = /^[\p{L}\p{N}_]/u;
  const AMOUNT_AFTER = /^\s*(?:euro\b|eur\b|€|%)/i;
  const CALL_WORD = /(?:^|[^\p{L}])(?:bel|belt|bellen|nummer|noodnummer|telefoonnummer)(?![\p{L}])/iu;

  // The Belgian number without its leading 0 or country code ("15344377"), or null.
  function national(run) {
    const groups = run.split(SEPARATOR);
    if (groups.slice(1).some(function (g) { return g.length === 1 || g.length === 4; })) {
      return null;
    }
    const digits = groups.join("");
    let rest;
    if (digits.startsWith("+32")) {
      rest = digits.slice(3);
    } else if (digits.startsWith("0032")) {
      rest = digits.slice(4);
    } else if (/^0[1-9]/.test(digits)) {
      rest = digits.slice(1);
    } else {
      return null;
    }
    return /^[1-9]\d{7}$/.test(rest) || /^4\d{8}$/.test(rest) ? rest : null;
  }

  function sentenceBefore(text, index) {
    const before = text.slice(0, index);
    const end = Math.max(before.lastIndexOf(". "), before.lastIndexOf("!"), before.lastIndexOf("?"),
      before.lastIndexOf("\n"));
    return before.slice(end + 1);
  }

  // What to dial for the run at `index` in `text`, or null when it is no phone number.
  function dial(text, run, index) {
    if (index > 0 && GLUED_BEFORE.test(text.charAt(index - 1))) { return null; }
    const after = text.slice(index + run.length);
    if (GLUED_AFTER.test(after)) { return null; }
    const rest = national(run);
    if (rest) { return "+32" + rest; }
    if (AMOUNT_AFTER.test(after)) { return null; }
    if (ALWAYS_SHORT.indexOf(run) >= 0) { return run; }
    if (CALL_SHORT.indexOf(run) >= 0 && CALL_WORD.test(sentenceBefore(text, index))) { return run; }
    return null;
  }

  // The text cut into pieces in order: {text} as it is, or {text, tel} for a phone number,
  // with tel the digits to dial (E.164 for a full number: the same from any phone).
  function phoneParts(text) {
    const parts = [];
    let from = 0;
    RUN.lastIndex = 0;
    let match;
    while ((match = RUN.exec(text)) !== null) {
      const tel = dial(text, match[0], match.index);
      if (!tel) { continue; }
      if (match.index > from) { parts.push({ text: text.slice(from, match.index) }); }
      parts.push({ text: match[0], tel: tel });
      from = match.index + match[0].length;
    }
    if (from < text.length) { parts.push({ text: text.slice(from) }); }
    return parts;
  }

  // Adds `text` to `parent` as text, with every phone number an <a href="tel:…"> showing the
  // number as written, so a screen reader reads the sentence as it is, the number as a link.
  function appendWithPhoneLinks(parent, text) {
    const doc = parent.ownerDocument;
    phoneParts(text).forEach(function (part) {
      if (!part.tel) {
        parent.appendChild(doc.createTextNode(part.text));
        return;
      }
      const link = doc.createElement("a");
      link.className = "tel";
      link.href = "tel:" + part.tel;
      link.textContent = part.text;
      parent.appendChild(link);
    });
  }

  const api = { phoneParts: phoneParts, appendWithPhoneLinks: appendWithPhoneLinks };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.HulpbotPhoneLinks = api;
  }
})(typeof globalThis === "object" ? globalThis : this);
