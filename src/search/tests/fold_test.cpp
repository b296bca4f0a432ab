#include <gtest/gtest.h>

#include "comptoir/search/search.hpp"

namespace comptoir::search {
namespace {

TEST(FoldTest, FrenchAccentsAndCaseFoldAlike) {
  EXPECT_EQ(Fold("Désactivation"), "desactivation");
  EXPECT_EQ(Fold("DÉSACTIVATION"), Fold("desactivation"));
  EXPECT_EQ(Fold("Ça coûte très cher, où ?"), "ca coute tres cher, ou ?");
  EXPECT_EQ(Fold("œuvre Noël"), "œuvre noel");
  EXPECT_EQ(Fold("Straße"), "strasse");
}

TEST(FoldTest, UkrainianCyrillicFoldsCase) {
  EXPECT_EQ(Fold("ПРИНТЕР НЕ ПРАЦЮЄ"), Fold("принтер не працює"));
  EXPECT_EQ(Fold("Ґанок"), Fold("ґанок"));
  EXPECT_EQ(Fold("Їжак"), Fold("їжак"));
  // й and ї lose their marks like Latin letters do: a query typed without them matches.
  EXPECT_EQ(Fold("Київ"), Fold("киів"));
  EXPECT_EQ(Fold("й"), Fold("и"));
}

TEST(FoldTest, DecomposedAndComposedInputFoldAlike) {
  EXPECT_EQ(Fold("e\xCC\x81t\xC3\xA9"), "ete");  // "e + combining acute" and "é"
}

TEST(FoldTest, InvalidUtf8DoesNotThrow) {
  const std::string bad = "abc\xC3(\xFF";
  const std::string folded = Fold(bad);
  EXPECT_FALSE(folded.empty());
  EXPECT_EQ(Fold(folded), folded);
}

TEST(WordsTest, SplitsOnPunctuationAcrossScripts) {
  EXPECT_EQ(Words(Fold("L'imprimante (HP-4050) ne marche plus!")),
            (std::vector<std::string>{"l", "imprimante", "hp", "4050", "ne", "marche", "plus"}));
  EXPECT_EQ(Words(Fold("Принтер: не працює.")),
            (std::vector<std::string>{"принтер", "не", "працює"}));
  EXPECT_EQ(IndexText("jean.dupont@Example.com"), "jean dupont example com");
  EXPECT_TRUE(Words("  ,,; ").empty());
}

}  // namespace
}  // namespace comptoir::search
