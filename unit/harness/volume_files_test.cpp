#include "harness/volume_files.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace ccci::harness {
namespace {

/// A ustar header for one entry, as docker cp writes it.
std::string header(const std::string& name, std::size_t size, char type) {
  std::string block(512, '\0');
  block.replace(0, name.size(), name);
  char octal[13];
  std::snprintf(octal, sizeof octal, "%011zo", size);
  block.replace(124, 11, octal);
  block[156] = type;
  return block;
}

std::string padded(const std::string& data) { return data + std::string((512 - data.size() % 512) % 512, '\0'); }

TEST(SingleFileFromTar, ReadsTheRegularFileAfterAnyPaxHeader) {
  std::string pax = "30 path=.ccci-marker-long-name\n";
  std::string tar = header("PaxHeaders/x", pax.size(), 'x') + padded(pax) + header(".ccci-marker", 5, '0') +
                    padded("hello") + std::string(1024, '\0');
  auto content = single_file_from_tar(tar);
  ASSERT_TRUE(content.ok()) << content.error().message;
  EXPECT_EQ(*content, "hello");
}

TEST(SingleFileFromTar, ASymlinkOrDirectoryIsNotAFileAndACutStreamIsInfra) {
  auto link = single_file_from_tar(header(".ccci-marker", 0, '2') + std::string(1024, '\0'));
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(link.error().kind, ErrorKind::not_found);
  auto cut = single_file_from_tar(header(".ccci-marker", 600, '0') + "short");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().kind, ErrorKind::infra);
  auto empty = single_file_from_tar("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().kind, ErrorKind::infra);
}

}  // namespace
}  // namespace ccci::harness
