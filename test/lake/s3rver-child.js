/**
 * Runs s3rver in a process of its own, as a real server would be. It needs one: s3rver signs
 * ListObjectsV2 continuation tokens with DES, which Node's OpenSSL 3 offers only with
 * --openssl-legacy-provider, so without it every listing past 1,000 keys fails.
 */
const S3rver = require('s3rver');

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: process.argv[2],
  vhostBuckets: false,
});
server.run().then(
  ({ port }) => process.send({ port }),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
process.on('disconnect', () => process.exit(0));
