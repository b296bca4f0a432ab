// UploadService against a real SQLite store and a FileBlobStore in a temp dir.
#include "comptoir/services/upload_service.hpp"

#include <atomic>
#include <thread>

#include "people_fixture.hpp"

namespace comptoir::services {
namespace {

using domain::Role;

// The 8-byte PNG signature and an IHDR chunk: enough for libmagic.
const std::string kPng =
    std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 33);

class UploadServiceTest : public testing::PeopleFixture {
 protected:
  UploadService& uploads() { return svc_->uploads; }

  Result<UploadResult> Upload(const Context& ctx, const std::string& name, std::string_view bytes,
                              std::optional<std::string> token = std::nullopt) {
    UploadInput in;
    in.file_name = name;
    in.bytes = bytes;
    in.token = std::move(token);
    return uploads().Upload(ctx, in);
  }

  std::size_t BlobCount() {
    std::size_t n = 0;
    if (!std::filesystem::exists(dir_ / "blobs")) return 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ / "blobs")) {
      if (e.is_regular_file()) ++n;
    }
    return n;
  }

  // A ticket requested by `requester` with one comment (public or not) that claims the
  // upload `token` as `uploader`.
  Status AttachToNewTicket(const Context& uploader, UserId requester, const std::string& token,
                           bool public_comment = true) {
    return store_->Write([&](storage::Transaction& tx) -> Status {
      domain::Ticket t;
      t.account_id = account_;
      t.subject = "Help";
      t.requester_id = requester;
      t.submitter_id = requester;
      t.created_at = t.updated_at = clock_.Now();
      auto tid = tx.tickets().Insert(t);
      if (!tid.ok()) return tid.status();
      domain::Comment c;
      c.account_id = account_;
      c.ticket_id = *tid;
      c.author_id = uploader.actor.user_id;
      c.body = "see attached";
      c.is_public = public_comment;
      c.created_at = clock_.Now();
      auto cid = tx.comments().Insert(c);
      if (!cid.ok()) return cid.status();
      auto claimed = uploads().ClaimUploads(tx, uploader, {token}, *tid, *cid);
      return claimed.status();
    });
  }
};

TEST_F(UploadServiceTest, DetectsTheTypeFromTheBytesNotTheName) {
  auto png = Upload(admin_, "notes.txt", kPng);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  EXPECT_EQ(png->attachment.content_type, "image/png");
  EXPECT_EQ(png->attachment.file_name, "notes.txt");
  auto text = Upload(admin_, "setup.exe", "just some plain words\n");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(text->attachment.content_type, "text/plain");
  EXPECT_EQ(UploadService::DetectContentType(std::string("\x00\x01\x02\xff\xfe", 5)),
            "application/octet-stream");
}

TEST_F(UploadServiceTest, InlineOnlyForImages) {
  UploadInput in;
  in.file_name = "a.png";
  in.bytes = kPng;
  in.inline_requested = true;
  auto img = uploads().Upload(admin_, in);
  ASSERT_TRUE(img.ok());
  EXPECT_TRUE(img->attachment.is_inline);
  in.bytes = "text pretending to be an image";
  auto text = uploads().Upload(admin_, in);
  ASSERT_TRUE(text.ok());
  EXPECT_FALSE(text->attachment.is_inline);
}

TEST_F(UploadServiceTest, SameBytesAreStoredOnce) {
  auto a = Upload(admin_, "a.txt", "identical content");
  auto b = Upload(admin_, "b.txt", "identical content");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->token, b->token);
  EXPECT_NE(a->attachment.id, b->attachment.id);
  EXPECT_EQ(a->attachment.content_hash, b->attachment.content_hash);
  EXPECT_EQ(BlobCount(), 1U);
}

TEST_F(UploadServiceTest, UnclaimedUploadsArePurgedAfterTheirLifetime) {
  auto fresh = Upload(admin_, "fresh.txt", "kept for now");
  ASSERT_TRUE(fresh.ok());
  clock_.Advance(std::chrono::hours(73));
  auto young = Upload(admin_, "young.txt", "uploaded later");
  ASSERT_TRUE(young.ok());
  auto purged = uploads().PurgeUnclaimed(std::chrono::hours(72));
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(BlobCount(), 1U);  // only the young upload's bytes remain
  EXPECT_FALSE(uploads().GetAttachment(admin_, fresh->attachment.id).ok());
  EXPECT_TRUE(uploads().GetAttachment(admin_, young->attachment.id).ok());
}

TEST_F(UploadServiceTest, ReusingATokenAddsToTheSameUpload) {
  auto first = Upload(admin_, "one.txt", "first file");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->token.size(), 24U);
  EXPECT_EQ(first->expires_at, clock_.Now() + 72 * 3600);
  auto second = Upload(admin_, "two.txt", "second file", first->token);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->token, first->token);
  ASSERT_EQ(second->attachments.size(), 2U);
  EXPECT_EQ(second->attachments[0].file_name, "one.txt");
  EXPECT_EQ(second->attachments[1].file_name, "two.txt");

  // Nobody else may add to it, and an unknown token is refused.
  auto agent = ContextFor(NewUser("Agent", Role::kAgent), Role::kAgent);
  auto foreign = Upload(agent, "three.txt", "x", first->token);
  EXPECT_EQ(foreign.status().code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(foreign.status(), "token", "InvalidValue"));
  EXPECT_EQ(Upload(admin_, "x.txt", "x", std::string("nosuchtoken")).status().code(),
            ErrorCode::kValidation);
}

TEST_F(UploadServiceTest, ExpiredTokensCannotBeReused) {
  auto first = Upload(admin_, "one.txt", "first file");
  ASSERT_TRUE(first.ok());
  clock_.Advance(std::chrono::hours(73));
  EXPECT_EQ(Upload(admin_, "two.txt", "more", first->token).status().code(),
            ErrorCode::kValidation);
}

TEST_F(UploadServiceTest, OverTheLimitIsPayloadTooLarge) {
  uploads().SetMaxBytes(10);
  auto ok = Upload(admin_, "ten.txt", "0123456789");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  auto big = Upload(admin_, "eleven.txt", "0123456789A");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(big.status().reason(), "PayloadTooLarge");
  EXPECT_EQ(Upload(admin_, "empty.txt", "").status().code(), ErrorCode::kValidation);
}

TEST_F(UploadServiceTest, FileNamesAreSanitised) {
  EXPECT_EQ(*UploadService::SanitizeFileName("C:\\x\\a.png"), "a.png");
  EXPECT_EQ(*UploadService::SanitizeFileName("/etc/passwd"), "passwd");
  EXPECT_EQ(*UploadService::SanitizeFileName("../../b.txt"), "b.txt");
  EXPECT_EQ(*UploadService::SanitizeFileName("résumé 2024.pdf"), "résumé 2024.pdf");
  for (std::string bad :
       {std::string(""), std::string("dir/"), std::string(".."), std::string("a\nb.txt"),
        std::string("a\0b", 3), std::string("\xff\xfe.txt"), std::string(256, 'a'),
        std::string("gpj\xe2\x80\xae"
                    "exe.txt")}) {
    auto r = UploadService::SanitizeFileName(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_TRUE(HasDetail(r.status(), "filename",
                          bad.empty() || bad == "dir/" ? "BlankValue" : "InvalidValue"))
        << bad;
  }
  EXPECT_TRUE(UploadService::SanitizeFileName(std::string(255, 'a')).ok());
  auto up = Upload(admin_, "C:\\Users\\me\\report.txt", "body");
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->attachment.file_name, "report.txt");
}

TEST_F(UploadServiceTest, ClaimingAForeignOrUnknownTokenIs422) {
  auto mine = Upload(admin_, "mine.txt", "mine");
  auto end_user_id = NewUser("Customer", Role::kEndUser);
  auto end_user = ContextFor(end_user_id, Role::kEndUser);
  auto theirs = Upload(end_user, "theirs.txt", "theirs");
  ASSERT_TRUE(mine.ok() && theirs.ok());
  Status st = AttachToNewTicket(admin_, end_user_id, theirs->token);
  ASSERT_EQ(st.code(), ErrorCode::kValidation);
  EXPECT_TRUE(HasDetail(st, "uploads", "InvalidValue"));
  EXPECT_EQ(st.details()[0].description, "Upload token " + theirs->token + " is not valid");
  EXPECT_EQ(AttachToNewTicket(admin_, end_user_id, "unknown").code(), ErrorCode::kValidation);
  // The failed claim rolled back: the end user's upload is still theirs to use.
  ASSERT_TRUE(AttachToNewTicket(end_user, end_user_id, theirs->token).ok());
  // Once claimed, a token cannot be claimed again.
  EXPECT_EQ(AttachToNewTicket(end_user, end_user_id, theirs->token).code(), ErrorCode::kValidation);
  ASSERT_TRUE(AttachToNewTicket(admin_, end_user_id, mine->token).ok());
}

TEST_F(UploadServiceTest, UnclaimedUploadsAreVisibleOnlyToTheirUploader) {
  auto alice = ContextFor(NewUser("Alice", Role::kEndUser), Role::kEndUser);
  auto bob = ContextFor(NewUser("Bob", Role::kEndUser), Role::kEndUser);
  auto agent = ContextFor(NewUser("Agent", Role::kAgent), Role::kAgent);
  auto up = Upload(alice, "secret.txt", "alice's secret");
  ASSERT_TRUE(up.ok());
  const AttachmentId id = up->attachment.id;
  auto own = uploads().Download(alice, id);
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->second, "alice's secret");
  EXPECT_EQ(uploads().Download(bob, id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(uploads().GetAttachment(bob, id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(uploads().GetAttachment(agent, id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(uploads().GetAttachment(admin_, id).ok());
}

TEST_F(UploadServiceTest, ClaimedAttachmentsFollowTheTicketAndCommentVisibility) {
  auto alice_id = NewUser("Alice", Role::kEndUser);
  auto alice = ContextFor(alice_id, Role::kEndUser);
  auto bob = ContextFor(NewUser("Bob", Role::kEndUser), Role::kEndUser);
  auto agent = ContextFor(NewUser("Agent", Role::kAgent), Role::kAgent);
  auto pub = Upload(agent, "public.txt", "for alice");
  auto priv = Upload(agent, "private.txt", "internal note");
  ASSERT_TRUE(pub.ok() && priv.ok());
  ASSERT_TRUE(AttachToNewTicket(agent, alice_id, pub->token, true).ok());
  ASSERT_TRUE(AttachToNewTicket(agent, alice_id, priv->token, false).ok());
  EXPECT_TRUE(uploads().Download(alice, pub->attachment.id).ok());
  EXPECT_EQ(uploads().Download(bob, pub->attachment.id).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(uploads().Download(alice, priv->attachment.id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(uploads().Download(agent, priv->attachment.id).ok());
  auto a = uploads().GetAttachment(alice, pub->attachment.id);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->comment_id);
  EXPECT_TRUE(a->ticket_id);
}

TEST_F(UploadServiceTest, DeleteRemovesOnlyUnreferencedBlobs) {
  auto keep = Upload(admin_, "keep.txt", "shared bytes");
  auto doomed = Upload(admin_, "doomed.txt", "shared bytes");
  auto alone = Upload(admin_, "alone.txt", "unique bytes", doomed->token);
  ASSERT_TRUE(keep.ok() && doomed.ok() && alone.ok());
  EXPECT_EQ(BlobCount(), 2U);
  auto other = ContextFor(NewUser("Other", Role::kAgent), Role::kAgent);
  EXPECT_EQ(uploads().DeleteUpload(other, doomed->token).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(uploads().DeleteUpload(admin_, doomed->token).ok());
  EXPECT_EQ(BlobCount(), 1U);  // "shared bytes" is still used by keep.txt
  EXPECT_EQ(uploads().GetAttachment(admin_, doomed->attachment.id).status().code(),
            ErrorCode::kNotFound);
  auto kept = uploads().Download(admin_, keep->attachment.id);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->second, "shared bytes");
  EXPECT_EQ(uploads().DeleteUpload(admin_, doomed->token).code(), ErrorCode::kNotFound);
  ASSERT_TRUE(uploads().DeleteUpload(admin_, keep->token).ok());
  EXPECT_EQ(BlobCount(), 0U);
}

TEST_F(UploadServiceTest, ClaimedUploadsCannotBeDeletedButCanBeRedacted) {
  auto customer_id = NewUser("Customer", Role::kEndUser);
  auto customer = ContextFor(customer_id, Role::kEndUser);
  auto up = Upload(customer, "card.txt", "4111 1111 1111 1111");
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(AttachToNewTicket(customer, customer_id, up->token).ok());
  EXPECT_EQ(uploads().DeleteUpload(customer, up->token).code(), ErrorCode::kNotFound);
  auto a = uploads().GetAttachment(admin_, up->attachment.id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(uploads().Redact(customer, a->ticket_id, a->comment_id, a->id).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(uploads()
                .Redact(admin_, a->ticket_id, CommentId(a->comment_id.value + 99), a->id)
                .status()
                .code(),
            ErrorCode::kNotFound);
  auto red = uploads().Redact(admin_, a->ticket_id, a->comment_id, a->id);
  ASSERT_TRUE(red.ok()) << red.status().ToString();
  EXPECT_TRUE(red->redacted);
  EXPECT_EQ(red->file_name, "redacted.txt");
  EXPECT_EQ(red->content_type, "text/plain");
  EXPECT_EQ(BlobCount(), 0U);
  EXPECT_EQ(uploads().Download(customer, a->id).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(uploads().GetAttachment(customer, a->id).ok());
  EXPECT_TRUE(uploads().Redact(admin_, a->ticket_id, a->comment_id, a->id).ok());
}

TEST_F(UploadServiceTest, ConcurrentUploadsDetectTypesIndependently) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k) {
        const bool png = (i + k) % 2 == 0;
        auto type = UploadService::DetectContentType(png ? kPng : "hello world, plain text\n");
        if (type != (png ? "image/png" : "text/plain")) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace comptoir::services
