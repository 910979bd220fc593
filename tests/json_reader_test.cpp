#include "core/json_reader.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace sweep {
namespace {

using nlohmann::json;

TEST(ClosestMatch, SuggestsPlausibleMisspellings) {
  const std::vector<std::string> keys = {"unfrozen", "lr", "seeds", "repeats"};
  EXPECT_EQ(closest_match("unfozen", keys), "unfrozen");
  EXPECT_EQ(closest_match("seed", keys), "seeds");
  EXPECT_EQ(closest_match("LR", keys), "lr");
  EXPECT_EQ(closest_match("temperature", keys), std::nullopt);
}

TEST(JsonPointer, EscapesTildeAndSlash) {
  EXPECT_EQ(json_pointer_child("/a", "b/c~d"), "/a/b~1c~0d");
  EXPECT_EQ(json_pointer_child("", size_t{3}), "/3");
}

TEST(ObjectReader, ReportsUnknownKeysWithSuggestion) {
  Diagnostics diag("x.json");
  json value = {{"unfozen", 1}, {"lr", 0.1}};
  ObjectReader in(value, "/grid", diag);
  in.find("unfrozen");
  in.find("lr");
  in.finish();
  ASSERT_EQ(diag.messages().size(), 1u);
  EXPECT_EQ(diag.messages()[0], "x.json: /grid/unfozen: unknown key; did you mean \"unfrozen\"?");
}

TEST(ObjectReader, MissingRequiredKey) {
  Diagnostics diag("x.json");
  const json empty = json::object();  // the reader keeps a reference: it must outlive it
  ObjectReader in(empty, "/grid", diag);
  EXPECT_EQ(in.require("lr", "learning rates"), nullptr);
  EXPECT_EQ(diag.messages().at(0), "x.json: /grid: missing key \"lr\" (learning rates)");
}

TEST(ObjectReader, NotAnObject) {
  Diagnostics diag("x.json");
  const json list = json::array();
  ObjectReader in(list, "/training", diag);
  EXPECT_EQ(in.integer_or("epochs", 7, 1, 10), 7);
  in.finish();
  ASSERT_EQ(diag.messages().size(), 1u);
  EXPECT_EQ(diag.messages()[0], "x.json: /training: expected an object, got an array");
}

TEST(TypedReads, ReportTypeAndRange) {
  struct Case {
    json value;
    std::string message;
  } cases[] = {
      {"ten", "x.json: /v: expected an integer, got \"ten\""},
      {2.5, "x.json: /v: expected an integer, got 2.5"},
      {0, "x.json: /v: expected an integer from 1 to 9, got 0"},
  };
  for (const auto& c : cases) {
    Diagnostics diag("x.json");
    EXPECT_EQ(read_integer(c.value, "/v", diag, 1, 9), std::nullopt);
    ASSERT_EQ(diag.messages().size(), 1u);
    EXPECT_EQ(diag.messages()[0], c.message);
  }
  Diagnostics diag("x.json");
  EXPECT_EQ(read_integer(json(4.0), "/v", diag, 1, 9), 4);
  EXPECT_EQ(read_number(json(0), "/lr", diag, 0.0, true), std::nullopt);
  EXPECT_EQ(read_number(json(-1), "/wd", diag, 0.0, false), std::nullopt);
  EXPECT_EQ(read_bool(json("yes"), "/b", diag), std::nullopt);
  EXPECT_EQ(diag.messages().at(0), "x.json: /lr: expected a number > 0, got 0");
  EXPECT_EQ(diag.messages().at(1), "x.json: /wd: expected a number >= 0, got -1");
  EXPECT_EQ(diag.messages().at(2), "x.json: /b: expected true or false, got \"yes\"");
}

TEST(TypedReads, ChoiceSuggestsClosest) {
  Diagnostics diag("x.json");
  EXPECT_EQ(
      read_choice(json("adma"), "/training/optimizer", diag, {"sgd", "adam", "adamw"}, "optimizer"),
      std::nullopt);
  EXPECT_EQ(diag.messages().at(0),
            "x.json: /training/optimizer: unknown optimizer \"adma\"; expected one of \"sgd\", "
            "\"adam\", \"adamw\"; did you mean \"adam\"?");
}

TEST(Diagnostics, ThrowsEveryMessage) {
  Diagnostics diag("x.json");
  diag.throw_if_any();
  diag.error("/a", "one");
  diag.error("", "two");
  try {
    diag.throw_if_any();
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.lines(), (std::vector<std::string>{"x.json: /a: one", "x.json: /: two"}));
  }
}

}  // namespace
}  // namespace sweep
