#include "synod/runtime/file_storage.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "synod/runtime/record.hpp"

namespace synod::runtime {
namespace {

namespace fs = std::filesystem;

class FileStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("synod_storage_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<FileStorage> open_ok() {
    auto s = FileStorage::open(dir_.string());
    EXPECT_TRUE(s) << s.status().to_string();
    return s ? std::move(*s) : nullptr;
  }

  fs::path dir_;
};

Bytes b(const std::string& s) { return Bytes(s.begin(), s.end()); }

TEST_F(FileStorageTest, StagedChangesVisibleButNotDurableUntilSync) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("vote", b("3")).is_ok());
  EXPECT_EQ(s->get("vote"), b("3"));
  EXPECT_EQ(s->pending(), 1U);
  // A "crash" before sync: a fresh open sees nothing.
  EXPECT_FALSE(open_ok()->get("vote").has_value());
  ASSERT_TRUE(s->sync().is_ok());
  EXPECT_EQ(s->pending(), 0U);
  EXPECT_EQ(open_ok()->get("vote"), b("3"));
}

TEST_F(FileStorageTest, OverwriteAndErase) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("a", b("1")).is_ok());
  ASSERT_TRUE(s->put("b", b("2")).is_ok());
  ASSERT_TRUE(s->sync().is_ok());
  ASSERT_TRUE(s->put("a", b("11")).is_ok());
  ASSERT_TRUE(s->erase("b").is_ok());
  EXPECT_FALSE(s->get("b").has_value());
  EXPECT_EQ(open_ok()->get("b"), b("2"));  // erase not yet durable
  ASSERT_TRUE(s->sync().is_ok());
  auto again = open_ok();
  EXPECT_EQ(again->get("a"), b("11"));
  EXPECT_FALSE(again->get("b").has_value());
  EXPECT_FALSE(fs::exists(dir_ / "b.rec"));
}

TEST_F(FileStorageTest, EmptyValueAndBadKeys) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("empty", {}).is_ok());
  ASSERT_TRUE(s->sync().is_ok());
  EXPECT_EQ(open_ok()->get("empty"), Bytes{});
  EXPECT_FALSE(s->put("../escape", b("x")).is_ok());
  EXPECT_FALSE(s->put(".hidden", b("x")).is_ok());
  EXPECT_FALSE(s->put("", b("x")).is_ok());
  EXPECT_FALSE(s->erase("a/b").is_ok());
}

// A crash after writing the temp file but before the rename: the old value survives and the
// torn temp file is cleaned up.
TEST_F(FileStorageTest, TornTempFileIgnored) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("state", b("old")).is_ok());
  ASSERT_TRUE(s->sync().is_ok());
  const Bytes torn = encode_record("state", b("new-value"));
  std::ofstream(dir_ / ".state.tmp", std::ios::binary)
      .write(reinterpret_cast<const char*>(torn.data()), 7);
  auto again = open_ok();
  EXPECT_EQ(again->get("state"), b("old"));
  EXPECT_FALSE(fs::exists(dir_ / ".state.tmp"));
}

// A torn record file (e.g. a filesystem that does not honour rename atomicity) is reported.
TEST_F(FileStorageTest, TruncatedRecordReported) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("state", b("0123456789")).is_ok());
  ASSERT_TRUE(s->sync().is_ok());
  fs::resize_file(dir_ / "state.rec", kRecordHeaderBytes + 4);
  auto again = FileStorage::open(dir_.string());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.status().code(), Code::kDataLoss);
  EXPECT_NE(again.status().message().find("state.rec"), std::string::npos);
  EXPECT_NE(again.status().message().find("truncated"), std::string::npos);

  fs::resize_file(dir_ / "state.rec", 3);
  auto header = FileStorage::open(dir_.string());
  ASSERT_FALSE(header);
  EXPECT_NE(header.status().message().find("truncated header"), std::string::npos);
}

TEST_F(FileStorageTest, CorruptedByteReported) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("state", b("0123456789")).is_ok());
  ASSERT_TRUE(s->sync().is_ok());
  const fs::path path = dir_ / "state.rec";
  const auto size = fs::file_size(path);
  for (std::uintmax_t i = 0; i < size; ++i) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(i));
    char c = 0;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(i));
    f.put(static_cast<char>(c ^ 0x40));
    f.close();
    auto again = FileStorage::open(dir_.string());
    ASSERT_FALSE(again) << "flipped byte " << i << " went unnoticed";
    EXPECT_EQ(again.status().code(), Code::kDataLoss);
    std::fstream g(path, std::ios::in | std::ios::out | std::ios::binary);
    g.seekp(static_cast<std::streamoff>(i));
    g.put(c);
  }
  EXPECT_EQ(open_ok()->get("state"), b("0123456789"));
}

TEST_F(FileStorageTest, RecordRenamedToAnotherKeyRejected) {
  auto s = open_ok();
  ASSERT_TRUE(s->put("a", b("1")).is_ok());
  ASSERT_TRUE(s->sync().is_ok());
  fs::rename(dir_ / "a.rec", dir_ / "b.rec");
  EXPECT_FALSE(FileStorage::open(dir_.string()));
}

TEST(Record, RoundTripAndErrors) {
  const Bytes rec = encode_record("k", b("value"));
  ASSERT_EQ(rec.size(), kRecordHeaderBytes + 5);
  EXPECT_EQ(*decode_record("k", rec), b("value"));
  Bytes bad_magic = rec;
  bad_magic[0] = 'X';
  EXPECT_NE(decode_record("k", bad_magic).status().message().find("magic"), std::string::npos);
  Bytes bad_version = rec;
  bad_version[4] = 9;
  EXPECT_NE(decode_record("k", bad_version).status().message().find("version"), std::string::npos);
  Bytes longer = rec;
  longer.push_back(0);
  EXPECT_NE(decode_record("k", longer).status().message().find("trailing"), std::string::npos);
}

}  // namespace
}  // namespace synod::runtime
