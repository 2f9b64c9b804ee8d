#include <cstdio>
#include <ostream>

#include "engine/base/text.h"
#include "engine/compose/compose.h"

namespace paiban {

void ComposeReport::dump(std::ostream& os) const {
  for (const PageReport& p : pages) {
    os << "page " << p.label << " lines=" << p.lines << '\n';
    for (const StoryOnPage& s : p.stories)
      os << "  story " << s.story << " lines=" << s.lines << " chars=" << s.characters << '\n';
    for (const MissingGlyph& m : p.missing) {
      char cp[16];
      std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(m.ch));
      os << "  missing " << cp << " in " << m.where << " paragraph " << m.paragraph + 1 << " at " << m.index << '\n';
    }
  }
  for (const StoryReport& s : stories) {
    os << "story " << s.story << " chars=" << s.characters << " placed=" << s.placed_characters
       << " lines=" << s.lines << " pages=";
    for (std::size_t i = 0; i < s.pages.size(); ++i) os << (i ? "," : "") << s.pages[i];
    if (s.pages.empty()) os << '-';
    if (s.overset)
      os << " overset chars=" << s.overset_characters << " lines=" << s.overset_lines << " stopped=" << s.stopped_page
         << '/' << s.stopped_frame;
    else
      os << " ends=" << s.stopped_page << '/' << s.stopped_frame << " underset=" << s.underset_lines
         << " unused_frames=" << s.unused_frames;
    for (const std::string& j : s.jumps) os << " jump=" << j;
    os << '\n';
  }
}

}  // namespace paiban
