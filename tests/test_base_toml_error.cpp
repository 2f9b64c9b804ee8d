// toml11 syntax errors read back as a message and a place (engine/base/toml_error.h).
#include <gtest/gtest.h>

#include "engine/base/toml_error.h"

using namespace paiban;

// toml11 3.7's message: the last caret names the place (in code points), a single caret's note
// completes the message, "[error] toml::parse_x:" goes.
TEST(TomlError, TheLastCaretIsThePlace) {
  const std::string what =
      "[error] toml::parse_key_value_pair: missing key-value separator `=`\n"
      " --> edition.toml\n"
      "   |\n"
      " 12 | 标题 尺寸 = 3\n"
      "    |        ^ expected `=`, but got ' '.\n";
  const TomlSyntaxError e = describe_toml_syntax_error(what, 12, "标题 尺寸 = 3", 1);
  EXPECT_EQ(e.message, "missing key-value separator `=`: expected `=`, but got ' '.");
  EXPECT_EQ(e.line, 12);
  EXPECT_EQ(e.column, 4);  // the caret is under 尺: byte 8 of the line, code point 4
}

TEST(TomlError, TwoCaretsKeepTheMessageAndTakeTheLast) {
  const std::string what =
      "[error] toml::insert_value: value already exists\n"
      " --> a.toml\n"
      " 2 | a = 1\n"
      "   | ~ value defined here\n"
      " ...\n"
      " 5 | a = 2\n"
      "   | ~ value inserted twice\n";
  const TomlSyntaxError e = describe_toml_syntax_error(what, 1, "", 1);
  EXPECT_EQ(e.message, "value already exists");
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.column, 1);
}

TEST(TomlError, WithoutACaretTheParsersPlaceStands) {
  const TomlSyntaxError e = describe_toml_syntax_error("[error] something odd", 7, "x = é1", 7);
  EXPECT_EQ(e.message, "something odd");
  EXPECT_EQ(e.line, 7);
  EXPECT_EQ(e.column, 6);  // byte 7 of "x = é1" is the 1, code point 6
  EXPECT_EQ(codepoint_column("标题", 4), 2);
}
